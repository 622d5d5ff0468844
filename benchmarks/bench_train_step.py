"""Training-step speed: torch_gan_zoo vs torch-mimicry on Mimicry's SNGAN 32x32 setting.

SNGAN 32x32 (ngf 256, ndf 128), batch 64, n_dis 5, Adam(2e-4, betas=(0, 0.9)), hinge loss: the
setting of Mimicry's CIFAR-10 SNGAN. One "generator step" = n_dis discriminator steps + one generator
step, each through the library's own ``train_step`` methods on the same real batches. The two
libraries are timed alternately in one process (so machine load affects both alike), after warm-up
steps. Peak memory is measured per library in a child process, over the steps after a warm-up step
(peak resident set size of the whole process on CPU, allocator peak on CUDA).

    python benchmarks/bench_train_step.py                      # CPU
    python benchmarks/bench_train_step.py --device cuda --amp --channels-last
    python benchmarks/bench_train_step.py --device cuda --compile --no-memory

``--amp`` on CUDA runs both libraries in fp16 with a GradScaler per optimiser: Mimicry's own mixed precision
(its ``train_step(..., scaler=...)`` runs the forward passes under ``torch.cuda.amp.autocast``), ours through
``amp_dtype``. ``--channels-last`` and ``--compile`` (``torch.compile`` of both networks, compiled during the
warm-up steps) apply to ours only.

Needs ``pip install --no-deps torch-mimicry`` (see benchmarks/_mimicry.py).
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _mimicry import import_mimicry  # noqa: E402

import torch_gan_zoo as tgz  # noqa: E402
from torch_gan_zoo.training.recipe import build_optimizer  # noqa: E402


def build_ours(args, device):
    torch.manual_seed(0)
    netG = tgz.nets.sngan.SNGANGenerator32(ngf=args.ngf).to(device)
    netD = tgz.nets.sngan.SNGANDiscriminator32(ndf=args.ndf).to(device)
    if args.channels_last:
        netG.to(memory_format=torch.channels_last)
        netD.to(memory_format=torch.channels_last)
    if args.compile:
        netG.compile()
        netD.compile()
    settings = {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]}
    if not args.fused:
        settings["fused"] = False
    optG, optD = build_optimizer(netG.parameters(), settings), build_optimizer(netD.parameters(), settings)
    amp_dtype = (torch.float16 if device.type == "cuda" else torch.bfloat16) if args.amp else None
    scalers = [torch.amp.GradScaler(device.type) if amp_dtype == torch.float16 else None for _ in range(2)]

    def step(batches):
        log = tgz.training.MetricLog()
        for batch in batches:
            netD.train_step(batch, netG, optD, log, device=device, scaler=scalers[0], amp_dtype=amp_dtype)
        netG.train_step(batches[-1], netD, optG, log, device=device, scaler=scalers[1], amp_dtype=amp_dtype)
        return log

    return step


def build_mimicry(args, device):
    mmc = import_mimicry()
    torch.manual_seed(0)
    netG = mmc.nets.sngan.SNGANGenerator32(ngf=args.ngf).to(device)
    netD = mmc.nets.sngan.SNGANDiscriminator32(ndf=args.ndf).to(device)
    optG = torch.optim.Adam(netG.parameters(), 2e-4, betas=(0.0, 0.9))
    optD = torch.optim.Adam(netD.parameters(), 2e-4, betas=(0.0, 0.9))
    scalers = [torch.amp.GradScaler("cuda") if args.amp and device.type == "cuda" else None for _ in range(2)]

    def step(batches):  # Mimicry's Trainer loop body
        log = mmc.training.metric_log.MetricLog()
        for i, batch in enumerate(batches):
            log = netD.train_step(batch, netG, optD, log, device=device, scaler=scalers[0])
            if i == len(batches) - 1:
                log = netG.train_step(batch, netD, optG, log, device=device, scaler=scalers[1])
        return log

    return step


def make_batches(args, device, k):
    g = torch.Generator().manual_seed(k)
    out = []
    for _ in range(args.n_dis):
        x = (torch.rand(args.batch_size, 3, 32, 32, generator=g) * 2 - 1).to(device)
        if args.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        out.append((x, torch.zeros(args.batch_size, dtype=torch.long, device=device)))
    return out


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def time_alternately(args, device):
    impls = {"torch_gan_zoo": build_ours(args, device), "mimicry": build_mimicry(args, device)}
    times = {name: [] for name in impls}
    for k in range(args.warmup + args.steps):
        for name, step in (impls.items() if k % 2 == 0 else reversed(impls.items())):
            batches = make_batches(args, device, k)
            sync(device)
            t0 = time.perf_counter()
            step(batches)
            sync(device)
            if k >= args.warmup:
                times[name].append(time.perf_counter() - t0)
    return times


def peak_memory(args, device, impl):
    """Run one library alone in a child process and return its peak memory in MiB."""
    cmd = [sys.executable, __file__, "--memory-of", impl, "--device", str(device), "--steps", "2",
           "--ngf", str(args.ngf), "--ndf", str(args.ndf), "--batch-size", str(args.batch_size),
           "--n-dis", str(args.n_dis)] + (["--amp"] if args.amp else []) + (
        ["--channels-last"] if args.channels_last else []) + ([] if args.fused else ["--no-fused"]) + (
        ["--compile"] if args.compile else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:  # keep the timings: report the failure instead of the number
        print(f"peak memory of {impl} failed:\n{proc.stderr[-2000:]}", flush=True)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])["peak_mib"]


def measure_memory_here(args, device):
    build = build_ours if args.memory_of == "torch_gan_zoo" else build_mimicry
    step = build(args, device)
    step(make_batches(args, device, 0))  # warm-up: allocator caches, optimiser state
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    else:
        _reset_peak_rss()
    for k in range(args.steps):
        step(make_batches(args, device, k))
    sync(device)
    if device.type == "cuda":
        peak = torch.cuda.max_memory_allocated() / 2**20
    else:
        peak = _peak_rss_mib()
    print(json.dumps({"peak_mib": peak}))


def _reset_peak_rss():
    """Reset the kernel's high-water mark of this process's RSS (Linux >= 4.0)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _peak_rss_mib():
    """Peak resident set size since the last reset, in MiB (VmHWM), falling back to ru_maxrss."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--steps", type=int, default=10, help="timed generator steps per library")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--n-dis", type=int, default=5)
    parser.add_argument("--ngf", type=int, default=256)
    parser.add_argument("--ndf", type=int, default=128)
    parser.add_argument("--amp", action="store_true", help="fp16 on CUDA (both), bf16 on CPU (ours only)")
    parser.add_argument("--channels-last", action="store_true", help="ours only")
    parser.add_argument("--compile", action="store_true", help="ours: torch.compile both networks")
    parser.add_argument("--no-fused", dest="fused", action="store_false", help="ours: plain (for-loop) Adam")
    parser.add_argument("--no-memory", dest="memory", action="store_false")
    parser.add_argument("--memory-of", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="also write the result (with the environment) here")
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    if args.memory_of:
        return measure_memory_here(args, device)
    print(f"device={device} torch={torch.__version__} threads={torch.get_num_threads()} batch={args.batch_size} "
          f"n_dis={args.n_dis} ngf={args.ngf} ndf={args.ndf} amp={args.amp} channels_last={args.channels_last} "
          f"fused_adam={args.fused} compile={args.compile}")
    if args.amp and device.type == "cuda":
        print("mimicry under --amp: its own fp16 mixed precision (train_step(scaler=...), torch.cuda.amp.autocast)")
    times = time_alternately(args, device)
    result = {}
    for name, ts in times.items():
        result[name] = {"ms_per_step_median": 1000 * statistics.median(ts),
                        "ms_per_step_mean": 1000 * statistics.mean(ts)}
    if args.memory:
        for name in times:
            result[name]["peak_mib"] = peak_memory(args, device, name)
    ratio = result["mimicry"]["ms_per_step_median"] / result["torch_gan_zoo"]["ms_per_step_median"]
    for name, r in result.items():
        mem = f"  peak {r['peak_mib']:.0f} MiB" if r.get("peak_mib") is not None else ""
        print(f"{name:>14}: {r['ms_per_step_median']:8.1f} ms/step (median of {args.steps}), "
              f"mean {r['ms_per_step_mean']:.1f}{mem}")
    print(f"speed-up of torch_gan_zoo over mimicry: {ratio:.2f}x")
    result["speedup"] = ratio
    result["settings"] = {k: v for k, v in vars(args).items() if k not in ("json", "memory_of")}
    if device.type == "cuda":
        result["memory_note"] = "peak_mib: torch.cuda.max_memory_allocated over the timed steps, in a child process"
    if args.amp and device.type == "cuda":
        result["mimicry_amp"] = "Mimicry's own AMP: train_step(scaler=GradScaler()) under torch.cuda.amp.autocast"
    if args.json:
        from _env import environment
        from torch_gan_zoo.utils.io import atomic_write_json

        atomic_write_json(args.json, {"environment": environment(), **result})
    return result


if __name__ == "__main__":
    main()
