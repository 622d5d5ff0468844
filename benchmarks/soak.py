"""Soak run: does a long run leak memory? 5,000 steps of a tiny model with periodic evaluation and
checkpointing, measuring the process's peak resident memory (RSS).

The run trains DCGAN 32x32 (ngf = ndf = 8, batch 16) on the built-in ``shapes`` data with the
ordinary Trainer: a checkpoint every ``--save-steps`` steps (3 kept, so rotation runs all the time),
sample grids every ``--vis-steps``, TensorBoard scalars every 50 steps, and an
:class:`~torch_gan_zoo.training.Evaluator` computing FID and KID every ``--eval-steps`` steps with a
tiny random-weight TorchScript feature extractor (the plumbing of a real evaluation, without the
cost of Inception). A callback samples the peak RSS (``ru_maxrss``) and the current RSS after every
step. The peak after warm-up (``--warmup`` steps, which include at least one evaluation and one
checkpoint) is the baseline; the check is that the final peak exceeds it by at most 5 %.

    nice -n 10 python benchmarks/soak.py [--steps 5000] [--out benchmarks/results/soak.json]
"""
import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from torch_gan_zoo import nets  # noqa: E402
from torch_gan_zoo.datasets import ShapesDataset  # noqa: E402
from torch_gan_zoo.training import Evaluator, Trainer  # noqa: E402
from torch_gan_zoo.utils import seed_everything  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class RandomPool3(nn.Module):
    """(N, 3, 299, 299) in [-1, 1] -> (N, 2048): average pooling to 8x8 and a fixed random projection."""

    def __init__(self):
        super().__init__()
        generator = torch.Generator().manual_seed(11)
        self.register_buffer("proj", torch.randn(3 * 8 * 8, 2048, generator=generator) / 8)

    def forward(self, x):
        return torch.tanh(F.adaptive_avg_pool2d(x, 8).flatten(1) @ self.proj) + 1


def current_rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument("--save-steps", type=int, default=100)
    parser.add_argument("--vis-steps", type=int, default=500)
    parser.add_argument("--eval-steps", type=int, default=500)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default=os.path.join(REPO, "benchmarks", "results", "soak.json"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        extractor = os.path.join(tmp, "random_pool3.pt")
        torch.jit.save(torch.jit.script(RandomPool3().eval()), extractor)
        seed_everything(0)
        netG, netD = nets.create_model("dcgan", 32, ngf=8, ndf=8)
        optG = torch.optim.Adam(netG.parameters(), 2e-4, betas=(0.5, 0.999))
        optD = torch.optim.Adam(netD.parameters(), 2e-4, betas=(0.5, 0.999))
        real = ShapesDataset(num_images=256)
        evaluator = Evaluator(torch.stack([real[i][0] for i in range(128)]), metrics=("fid", "kid"),
                              every=args.eval_steps, num_samples=128, batch_size=32, inception_weights=extractor,
                              subset_size=32, subsets=10)
        trainer = Trainer(netD, netG, optD, optG, real, args.steps, log_dir=os.path.join(tmp, "run"),
                          batch_size=16, seed=0, save_steps=args.save_steps, vis_steps=args.vis_steps,
                          log_steps=50, keep_checkpoints=3, progress=False, evaluator=evaluator, flush_secs=5)
        samples = []
        original_step = trainer.logger.step

        def step_and_measure(global_step, metric_log, lr=None):
            result = original_step(global_step, metric_log, lr)
            if global_step % 50 == 0:
                samples.append({"step": global_step, "rss_mb": round(current_rss_mb(), 2),
                                "peak_rss_mb": round(peak_rss_mb(), 2)})
            return result

        trainer.logger.step = step_and_measure
        start = time.perf_counter()
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            result = trainer.train()
        seconds = time.perf_counter() - start
    warm = next(s for s in samples if s["step"] >= args.warmup)
    final = samples[-1]
    growth = (final["peak_rss_mb"] - warm["peak_rss_mb"]) / warm["peak_rss_mb"]
    rss_growth = (final["rss_mb"] - warm["rss_mb"]) / warm["rss_mb"]
    report = {
        "benchmark": "soak",
        "steps": result["global_step"],
        "model": "dcgan_32 ngf=8 ndf=8, batch 16, n_dis 1",
        "save_steps": args.save_steps, "vis_steps": args.vis_steps, "eval_steps": args.eval_steps,
        "evaluation": "fid+kid, 128 samples, random-weight TorchScript extractor",
        "warmup_steps": args.warmup,
        "peak_rss_after_warmup_mb": warm["peak_rss_mb"],
        "peak_rss_final_mb": final["peak_rss_mb"],
        "peak_rss_growth_percent": round(100 * growth, 3),
        "current_rss_after_warmup_mb": warm["rss_mb"],
        "current_rss_final_mb": final["rss_mb"],
        "current_rss_growth_percent": round(100 * rss_growth, 3),
        "passed": growth <= 0.05,
        "seconds": round(seconds, 1),
        "last_evaluation": result["evaluation"],
        "torch": torch.__version__, "python": platform.python_version(), "cpu": cpu_model(),
        "threads": torch.get_num_threads(), "git_commit": git_commit(),
        "samples": samples,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    print(json.dumps({k: v for k, v in report.items() if k != "samples"}, indent=1))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
