"""Starting ``tests/training/ddp_worker.py`` in 1 or 2 real processes (gloo on CPU), as users launch DDP."""
import os
import subprocess
import sys

import torch

from helpers.paths import REPO, TESTS

WORKER = os.path.join(TESTS, "training", "ddp_worker.py")


def run_worker(mode, log_dir, out, steps, nproc):
    """Run ``ddp_worker.py MODE LOG_DIR OUT STEPS`` in ``nproc`` processes (torchrun when more than one) and
    return what each rank saved (``OUT/rank{r}.pt``)."""
    os.makedirs(out, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""), OMP_NUM_THREADS="1")
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(key, None)
    if nproc == 1:
        cmd = [sys.executable, WORKER, mode, str(log_dir), str(out), str(steps)]
    else:
        cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}", WORKER,
               mode, str(log_dir), str(out), str(steps)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return [torch.load(os.path.join(out, f"rank{r}.pt"), weights_only=True) for r in range(nproc)]
