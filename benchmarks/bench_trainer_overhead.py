"""The Trainer's cost over a bare PyTorch loop on the same networks and data.

Both run DCGAN 28x28 (the Fashion-MNIST networks) with batch 64, n_dis 1, Adam(2e-4, (0.5, 0.999)),
for the same number of generator steps on the same in-memory data, alternately for several rounds
(so machine load affects both alike). The bare loop is what one writes by hand: shuffle, zero_grad,
D on real and detached fake, step, G step, with ``.item()`` each step for a progress print. The
Trainer runs with its defaults (progress bar, TensorBoard every 50 steps, sample grids every 500,
a checkpoint at the end), started from scratch each round, set-up included.

    python benchmarks/bench_trainer_overhead.py --steps 300 --rounds 3 [--width 64]
"""
import argparse
import statistics
import sys
import os
import tempfile
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch_gan_zoo as tgz  # noqa: E402
from _env import environment  # noqa: E402


def make_data(n=6400):
    g = torch.Generator().manual_seed(0)
    images = torch.rand(n, 1, 28, 28, generator=g) * 2 - 1
    return torch.utils.data.TensorDataset(images, torch.zeros(n, dtype=torch.long))


def build(width, seed=0):
    torch.manual_seed(seed)
    netG, netD = tgz.nets.create_model("dcgan", 28, ngf=width, ndf=width)
    optG = torch.optim.Adam(netG.parameters(), 2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(netD.parameters(), 2e-4, betas=(0.5, 0.999))
    return netG, netD, optG, optD


def bare_loop(data, steps, batch_size, width):
    netG, netD, optG, optD = build(width)
    loader = torch.utils.data.DataLoader(data, batch_size=batch_size, shuffle=True, drop_last=True)
    it = iter(loader)
    t0 = time.perf_counter()
    for step in range(steps):
        try:
            real, _ = next(it)
        except StopIteration:
            it = iter(loader)
            real, _ = next(it)
        optD.zero_grad()
        fake = netG(torch.randn(batch_size, netG.nz)).detach()
        out_r, out_f = netD(real), netD(fake)
        errD = F.softplus(-out_r).mean() + F.softplus(out_f).mean()
        errD.backward()
        optD.step()
        optG.zero_grad()
        errG = F.softplus(-netD(netG(torch.randn(batch_size, netG.nz)))).mean()
        errG.backward()
        optG.step()
        if step % 50 == 0:
            print(f"\rstep {step} errD {errD.item():.3f} errG {errG.item():.3f}", end="", file=sys.stderr)
    return steps / (time.perf_counter() - t0)


def trainer_loop(data, steps, batch_size, width):
    netG, netD, optG, optD = build(width)
    with tempfile.TemporaryDirectory() as log_dir:
        t0 = time.perf_counter()
        tgz.training.Trainer(netD, netG, optD, optG, data, num_steps=steps, batch_size=batch_size,
                             log_dir=log_dir, device="cpu").train()
        return steps / (time.perf_counter() - t0)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--width", type=int, default=128, help="ngf = ndf of the DCGAN-28 networks")
    parser.add_argument("--results", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    data = make_data()
    rates = {"bare": [], "trainer": []}
    for r in range(args.rounds):
        order = (("bare", bare_loop), ("trainer", trainer_loop))
        for name, fn in (order if r % 2 == 0 else order[::-1]):
            rates[name].append(fn(data, args.steps, args.batch_size, args.width))
    bare, trainer = statistics.median(rates["bare"]), statistics.median(rates["trainer"])
    print(f"\nthreads={torch.get_num_threads()} width={args.width} steps={args.steps} rounds={args.rounds}")
    print(f"bare PyTorch loop: {bare:.2f} steps/s   Trainer: {trainer:.2f} steps/s   ratio {trainer / bare:.2f}")
    result = {"environment": environment(), "threads": torch.get_num_threads(), "width": args.width,
              "steps": args.steps, "rounds": args.rounds,
              "bare_steps_per_sec": bare, "trainer_steps_per_sec": trainer, "ratio": trainer / bare}
    if args.results:
        tgz.utils.atomic_write_json(args.results, result)
    return result


if __name__ == "__main__":
    main()
