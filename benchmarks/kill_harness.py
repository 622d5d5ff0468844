"""Kill harness: SIGKILL a training run at random moments, resume it each time, and check that it
ends bit-identical to an uninterrupted run, with no stray files.

One process imports torch once and forks the training runs (so a restart costs milliseconds, not an
interpreter start). Each run is a tiny DCGAN 32x32 (ngf = ndf = 8, batch 8, n_dis 2, linear LR
decay) on the built-in ``shapes`` data, checkpointing **every step** (2 kept), so most kill moments
fall inside a save: while a network file, the checksum record or the trainer file is being written,
or while old steps are rotated out. After every kill the run directory is inspected (temporary
files, files of incomplete steps: such a kill counts as "inside a save"), then the run is started
again with the same command, which cleans the leftovers, resumes from the newest complete checkpoint
(or restarts from step 0 if the kill came before the first one) and is killed again, until the
requested number of kills is reached; the last run finishes.

Checks: the final generator and discriminator weights and optimiser states equal, bit for bit, those
of an uninterrupted run with the same seed; the run directory holds only the expected files
(``hparams.json``, ``train.log``, ``.run.lock``, TensorBoard event files, sample grids and the files
of complete checkpoint steps, no temporary or partial file).

The first runs kill themselves at each stage of the very first save (see ``KILL_POINTS``), so the
restart from step 0 is exercised every time; the other kills come at random moments (see
:func:`run_harness`).

    python benchmarks/kill_harness.py --kills 200 --steps 240      # the long version
    python benchmarks/kill_harness.py --kills 20 --steps 24 --json # what tests/training/test_kill_harness.py runs
"""
import argparse
import json
import os
import random
import re
import signal
import sys
import tempfile
import time
import traceback

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from torch_gan_zoo import nets  # noqa: E402
from torch_gan_zoo.datasets import ShapesDataset  # noqa: E402
from torch_gan_zoo.training import Trainer  # noqa: E402
from torch_gan_zoo.training.checkpoint import ALL_PARTS, CheckpointManager  # noqa: E402
from torch_gan_zoo.utils import seed_everything  # noqa: E402
from torch_gan_zoo.utils.io import is_temp_file  # noqa: E402

KEEP = 2


def build_trainer(log_dir, num_steps, seed, data):
    """The run every process starts: the same command each time (seeded model construction)."""
    seed_everything(seed)
    netG, netD = nets.create_model("dcgan", 32, ngf=8, ndf=8)
    optG = torch.optim.Adam(netG.parameters(), 2e-4, betas=(0.5, 0.999))
    optD = torch.optim.Adam(netD.parameters(), 2e-4, betas=(0.5, 0.999))
    return Trainer(netD, netG, optD, optG, data, num_steps, log_dir=log_dir, batch_size=8, n_dis=2, seed=seed,
                   lr_decay="linear", save_steps=1, keep_checkpoints=KEEP, log_steps=5, vis_steps=10 ** 6,
                   progress=False, flush_secs=1)


#: Places inside the very first save where a run kills itself (deterministic kills before any
#: checkpoint is complete): inside the atomic write of netD (temp file fsynced, not renamed), after
#: the netD file, after the netG file, after the unverified trainer file, after the checksum record.
KILL_POINTS = ("inside_netD_write", "after_netD", "after_netG", "after_trainer_file", "after_checksums")


def _install_kill_point(point):
    """In a forked run: SIGKILL this process at ``point`` of its first save."""
    from torch_gan_zoo.nets.basemodel import BaseModel
    from torch_gan_zoo.training import checkpoint

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    if point == "inside_netD_write":
        real_fsync = os.fsync

        def fsync(fd):
            real_fsync(fd)
            if ".netD_" in os.readlink(f"/proc/self/fd/{fd}"):
                die()

        os.fsync = fsync
    elif point in ("after_netD", "after_netG"):
        real_save = BaseModel.save_checkpoint

        def save_checkpoint(self, directory, *args, **kwargs):
            path = real_save(self, directory, *args, **kwargs)
            if os.path.basename(directory) == point[len("after_"):]:
                die()
            return path

        BaseModel.save_checkpoint = save_checkpoint
    else:
        name = {"after_trainer_file": "save_torch_file", "after_checksums": "atomic_write_json"}[point]
        real = getattr(checkpoint, name)

        def wrapped(*args, **kwargs):
            result = real(*args, **kwargs)
            die()
            return result

        setattr(checkpoint, name, wrapped)


def start_run(log_dir, num_steps, seed, data, error_file, kill_point=None):
    """Fork a process that trains (or resumes) the run; returns its PID."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        if kill_point is not None:
            _install_kill_point(kill_point)
        build_trainer(log_dir, num_steps, seed, data).train()
        code = 0
    except BaseException:
        with open(error_file, "a", encoding="utf-8") as f:
            f.write(traceback.format_exc())
    finally:
        os._exit(code)


def wait(pid, timeout):
    """Wait up to ``timeout`` seconds; returns the exit code or None if still running."""
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.002)


def wait_for_progress(pid, log_dir, step, timeout):
    """Wait until the run has a complete checkpoint newer than ``step`` (returns None) or exits
    (returns its exit code)."""
    manager = CheckpointManager(log_dir, KEEP)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        steps = manager.complete_steps()
        if steps and steps[-1] > step:
            return None
        time.sleep(0.003)
    raise RuntimeError(f"the run made no progress beyond step {step} in {timeout} s")


def leftovers(log_dir):
    """Temporary files anywhere in the run, and files of incomplete checkpoint steps."""
    manager = CheckpointManager(log_dir, KEEP)
    complete = set(manager.complete_steps())
    temps, partial = [], []
    for root, _, files in os.walk(log_dir):
        for name in files:
            if is_temp_file(name) or name.endswith(".unverified"):
                temps.append(os.path.join(root, name))
    for part in ALL_PARTS:
        directory = manager.directory(part)
        for name in os.listdir(directory) if os.path.isdir(directory) else []:
            m = re.search(r"_(\d+)_steps\.(pth|json)$", name)
            if m and int(m.group(1)) not in complete:
                partial.append(os.path.join(directory, name))
    return temps, partial, sorted(complete)


_EXPECTED = [
    re.compile(r"^(hparams\.json|train\.log|\.run\.lock)$"),
    re.compile(r"^tensorboard/events\.out\.tfevents\.[^/]+$"),
    re.compile(r"^images/(fixed|random)_samples_step_\d{7}\.png$"),
]


def stray_files(log_dir, num_steps):
    """Files that should not be there once the run has finished."""
    manager = CheckpointManager(log_dir, KEEP)
    complete = manager.complete_steps()
    stray = []
    for root, _, files in os.walk(log_dir):
        for name in files:
            rel = os.path.relpath(os.path.join(root, name), log_dir)
            if any(p.match(rel) for p in _EXPECTED):
                continue
            m = re.match(r"^checkpoints/(netG|netD|trainer|checksums)/\1_(\d+)_steps\.(pth|json)$", rel)
            if m and int(m.group(2)) in complete[-KEEP:]:
                continue
            stray.append(rel)
    if complete[-1:] != [num_steps]:
        stray.append(f"(newest complete step is {complete[-1:]} instead of {num_steps})")
    return sorted(stray)


def final_states(log_dir, step):
    manager = CheckpointManager(log_dir, KEEP)
    states = {}
    for part in ("netG", "netD"):
        ckpt = torch.load(manager.path(part, step), weights_only=True)
        states[part] = (ckpt["model_state_dict"], ckpt["optimizer_state_dict"])
    return states


def _equal(a, b):
    if torch.is_tensor(a):
        return torch.is_tensor(b) and a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return a == b


def run_harness(work_dir, kills=20, num_steps=24, seed=0, max_delay=0.6, harness_seed=1234, time_limit=600,
                startup_kill_fraction=0.15):
    """Kill a run ``kills`` times and let it finish; returns a dict of counts and check results.

    After the deterministic kills inside the first save, each kill comes either during start-up
    (with probability ``startup_kill_fraction``, after U(0, ``max_delay``) seconds) or, otherwise,
    once the run has completed a new checkpoint, after U(0, 1.5 step times): anywhere in a step,
    its save included.
    """
    torch.set_num_threads(1)  # before any compute: forked children then never touch an OpenMP pool
    from torch.utils import tensorboard  # noqa: F401  (imported once here, not in every forked run)
    data = ShapesDataset(num_images=64)
    error_file = os.path.join(work_dir, "errors.txt")
    started = time.monotonic()

    reference_dir = os.path.join(work_dir, "reference")
    code = wait(start_run(reference_dir, num_steps, seed, data, error_file), time_limit)
    if code != 0:
        raise RuntimeError(f"the uninterrupted run failed (exit {code}):\n" + _read(error_file))
    reference_seconds = time.monotonic() - started
    step_seconds = reference_seconds / num_steps

    run_dir = os.path.join(work_dir, "run")
    rng = random.Random(harness_seed)
    counts = {"kills": 0, "kills_inside_save": 0, "kills_leaving_temp_files": 0,
              "kills_leaving_incomplete_steps": 0, "kills_before_first_checkpoint": 0,
              "kills_without_progress": 0, "runs_started": 0, "clean_exits": 0}
    progress_steps = []
    last_complete = None
    counts["kills_inside_first_save"] = 0
    for point in KILL_POINTS:  # the very first save, killed at each of its stages
        pid = start_run(run_dir, num_steps, seed, data, error_file, kill_point=point)
        _, status = os.waitpid(pid, 0)
        if not os.WIFSIGNALED(status) or os.WTERMSIG(status) != signal.SIGKILL:
            raise RuntimeError(f"the run was to kill itself at {point!r} but exited with status {status}:\n"
                               + _read(error_file))
        temps, partial, complete = leftovers(run_dir)
        if complete or not (temps or partial):
            raise RuntimeError(f"a kill at {point!r} left complete={complete}, temps={temps}, partial={partial}")
        counts["kills"] += 1
        counts["kills_inside_first_save"] += 1
        counts["kills_inside_save"] += 1
        counts["kills_leaving_temp_files"] += bool(temps)
        counts["kills_leaving_incomplete_steps"] += bool(partial)
        counts["kills_before_first_checkpoint"] += 1
        counts["runs_started"] += 1
        progress_steps.append(0)
    while True:
        counts["runs_started"] += 1
        pid = start_run(run_dir, num_steps, seed, data, error_file)
        if counts["kills"] >= kills:
            code = wait(pid, time_limit)
            if code != 0:
                raise RuntimeError(f"the final run failed (exit {code}):\n" + _read(error_file))
            counts["clean_exits"] += 1
            break
        if rng.random() < startup_kill_fraction:  # a kill while the run starts up (or in its first step)
            code = wait(pid, rng.uniform(0.0, max_delay))
        else:  # a kill at a random moment of a step after the run has made progress
            code = wait_for_progress(pid, run_dir, last_complete or 0, time_limit)
            if code is None:
                code = wait(pid, rng.uniform(0.0, 1.5 * step_seconds))
        if code is not None:  # finished before the kill: start it again (a finished run resumes as a no-op)
            if code != 0:
                raise RuntimeError(f"a run failed (exit {code}):\n" + _read(error_file))
            counts["clean_exits"] += 1
            shutil_rmtree(run_dir)  # start over so that the remaining kills still land mid-run
            last_complete = None
            continue
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        counts["kills"] += 1
        temps, partial, complete = leftovers(run_dir)
        counts["kills_leaving_temp_files"] += bool(temps)
        counts["kills_leaving_incomplete_steps"] += bool(partial)
        counts["kills_inside_save"] += bool(temps or partial)
        counts["kills_before_first_checkpoint"] += not complete
        newest = complete[-1] if complete else 0
        if newest == (last_complete or 0):
            counts["kills_without_progress"] += 1
        progress_steps.append(newest)
        last_complete = newest
    seconds = time.monotonic() - started
    reference, result = final_states(reference_dir, num_steps), final_states(run_dir, num_steps)
    identical = {part: _equal(reference[part], result[part]) for part in ("netG", "netD")}
    return {
        **counts,
        "num_steps": num_steps,
        "newest_complete_step_after_each_kill": progress_steps,
        "bit_identical": all(identical.values()),
        "identical_per_network": identical,
        "stray_files": stray_files(run_dir, num_steps),
        "errors": _read(error_file),
        "seconds": round(seconds, 1),
        "reference_run_seconds": round(reference_seconds, 1),
        "torch": torch.__version__,
    }


def shutil_rmtree(path):
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--steps", type=int, default=240)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--harness-seed", type=int, default=1234)
    parser.add_argument("--max-delay", type=float, default=0.6, help="kill after U(0, max_delay) seconds")
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument("--out", help="also write the JSON result to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work_dir:
        result = run_harness(work_dir, args.kills, args.steps, args.seed, args.max_delay, args.harness_seed)
    text = json.dumps(result, indent=1)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    if args.json:
        print(text)
    else:
        print(text)
        ok = result["bit_identical"] and not result["stray_files"]
        print(f"{result['kills']} kills ({result['kills_inside_save']} inside a save, "
              f"{result['kills_before_first_checkpoint']} before the first checkpoint), "
              f"{'bit-identical, no stray files' if ok else 'FAILED'}")
    return 0 if result["bit_identical"] and not result["stray_files"] else 1


if __name__ == "__main__":
    sys.exit(main())
