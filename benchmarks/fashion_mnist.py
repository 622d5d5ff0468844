"""Proof on real data: train GANs on real Fashion-MNIST on the CPU and measure their FID.

For each model: train on the 60,000 training images, then compute FID between 10,000 generated
images (from the EMA generator when the run keeps one; 32 px models' samples resized to the native
28 px) and the 10,000 test images, with the real
ImageNet-trained Inception (the TorchScript pool3 extractor from ``shared/tools/get-real-assets.sh``)
under the library's default protocol. Reports steps, wall time, steps/s and FID, writes
``benchmarks/results/fashion_mnist.json`` and sample grids to ``docs/images/``.

    bash ../shared/tools/get-real-assets.sh          # once: data + Inception
    python benchmarks/fashion_mnist.py --models dcgan sngan --out-dir runs/fmnist

Runs resume: re-running continues each model from its last checkpoint up to its step budget (a
finished run is only re-evaluated).

Seed repeats (``--seed N``, usually with ``--no-time-limit``) train in their own folder and are recorded as
``<model>_seed<N>``, beside the reported seed-0 run; once a recipe has two seeds, the run-to-run spread of its
FID (mean and range) is printed.
"""
import argparse
import fcntl
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import torch_gan_zoo as tgz  # noqa: E402
from _env import environment  # noqa: E402
import torch_gan_zoo.metrics  # noqa: E402,F401
import torch_gan_zoo.zoo  # noqa: E402,F401
from torch_gan_zoo.config.named_presets import get_named_preset  # noqa: E402
from torch_gan_zoo.training.checkpoint import CheckpointManager  # noqa: E402
from torch_gan_zoo.training.recipe import build_config, run_config  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = "/usr/share/datasets/fashion-mnist"
INCEPTION = os.path.join(os.environ.get("TGZ_ASSETS", os.path.expanduser("~/.cache/tgz-assets")),
                         "inception-2015-12-05-pool3.pt")
# The same network in pytorch-fid's state-dict layout (the assets script verifies it against the TorchScript);
# the in-training evaluation uses it, whose 10,000 test statistics are cached.
INCEPTION_STATE_DICT = os.path.join(os.path.dirname(INCEPTION), "pt_inception-2015-12-05-pool3only.pth")



def _from_named_preset(name, time_limit, inception_weights):
    """A MODELS entry from a named preset: its flat settings (its EMA is :data:`_EMA`, which every run gets),
    a wall-clock budget and the Inception file of its in-training evaluation."""
    config = get_named_preset(name)["config"]
    if config.pop("dataset") != "fashion_mnist" or config.pop("trainer_kwargs") != _EMA:
        raise ValueError(f"named preset {name!r} is not a Fashion-MNIST recipe with this benchmark's EMA {_EMA}")
    if "evaluation" in config:
        config["evaluation"]["options"]["inception_weights"] = inception_weights
    return {**config, "time_limit": time_limit}


# Each entry: registry model, resolution, preset overrides, and a wall-clock training budget
# (``time_limit`` seconds, at ``--threads`` CPU threads; ``num_steps`` is only an upper bound).
# Grayscale (nc=1) throughout; every run keeps an EMA generator, which is what gets evaluated.
_EMA = {"ema_decay": 0.999, "ema_start": 1000}
MODELS = {
    "dcgan": {"model": "dcgan", "resolution": 28, "num_steps": 100000, "batch_size": 64, "n_dis": 1,
              "lr_decay": None, "model_kwargs": {"ngf": 64, "ndf": 64}, "time_limit": 3300},
    "dcgan_96": {"model": "dcgan", "resolution": 28, "num_steps": 100000, "batch_size": 64, "n_dis": 1,
                 "lr_decay": None, "model_kwargs": {"ngf": 96, "ndf": 96}, "time_limit": 3300},
    # Same nets, step budgets that fit 55 minutes, the rate constant for the first half and then
    # decaying linearly to 0 (``time_limit`` stays as a cap).
    "dcgan_96_decay": {"model": "dcgan", "resolution": 28, "num_steps": 19000, "batch_size": 64, "n_dis": 1,
                       "lr_decay": "linear", "lr_decay_start": 9500, "model_kwargs": {"ngf": 96, "ndf": 96},
                       "time_limit": 3300},
    # The model zoo's former dcgan_fashion_mnist (withdrawn: zoo.registry.WITHDRAWN): a step budget only (10,000
    # steps took 2,578 s on one thread here), so that the command reproduces those weights on any machine.
    "dcgan_128_decay": {"model": "dcgan", "resolution": 28, "num_steps": 10000, "batch_size": 64, "n_dis": 1,
                        "lr_decay": "linear", "lr_decay_start": 5000, "model_kwargs": {"ngf": 128, "ndf": 128},
                        "time_limit": None},
    # The ResNet variants: the one-hour budget of dcgan_128_1h (they had 12 minutes before issue 12).
    "sngan": {"model": "sngan", "resolution": 32, "num_steps": 100000, "batch_size": 64, "n_dis": 2,
              "lr_decay": None, "model_kwargs": {"ngf": 32, "ndf": 32}, "time_limit": 3600},
    "wgan_gp": {"model": "wgan_gp", "resolution": 32, "num_steps": 100000, "batch_size": 64,
                "lr_decay": None, "model_kwargs": {"ngf": 32, "ndf": 32}, "time_limit": 3600},
    "cgan_pd": {"model": "cgan_pd", "resolution": 32, "num_steps": 100000, "batch_size": 64, "n_dis": 2,
                "lr_decay": None, "model_kwargs": {"ngf": 32, "ndf": 32}, "time_limit": 3600},
    # The named preset dcgan_fashion_mnist_1h (torch_gan_zoo/config/named_presets.py), capped at one hour, its
    # in-training FID using the assets' Inception file (whose 10,000 test statistics are cached).
    "dcgan_128_1h": _from_named_preset("dcgan_fashion_mnist_1h", time_limit=3600,
                                       inception_weights=INCEPTION_STATE_DICT),
    # The named preset dcgan_upsample_fashion_mnist_1h: resize-convolutions in the generator, 6,000 steps (one
    # hour on the 2-core Zen 3), capped at one hour.
    "dcgan_upsample_1h": _from_named_preset("dcgan_upsample_fashion_mnist_1h", time_limit=3600,
                                            inception_weights=INCEPTION_STATE_DICT),
    # The networks of dcgan_128_1h (transposed convolutions) with dcgan_upsample_1h's schedule shape and no
    # in-training evaluation, sized to one hour of the 2-core Zen 3 (about 2.3 steps/s against 1.7 for the
    # resize-convolution generator): the like-for-like comparison of the two generators on one machine.
    "dcgan_128_7500": {"model": "dcgan", "resolution": 28, "num_steps": 7500, "batch_size": 64, "n_dis": 1,
                       "lr_decay": "linear", "lr_decay_start": 3750, "model_kwargs": {"ngf": 128, "ndf": 128},
                       "time_limit": 3600},
    # Class-conditional DCGAN (projection D): the dataset's labels and 10 classes come in via run_config.
    # The model zoo's class-conditional Fashion-MNIST model: a fixed step budget (no wall-clock limit), so
    # that the command reproduces the shipped weights exactly on any machine.
    "cdcgan_64": {"model": "cdcgan", "resolution": 28, "num_steps": 12000, "batch_size": 64, "n_dis": 1,
                  "lr_decay": "linear", "lr_decay_start": 6000, "model_kwargs": {"ngf": 64, "ndf": 64},
                  "time_limit": None},
}


def result_key(name, seed):
    """The name of a run of recipe ``name`` with ``seed``: its results entry and its run folder under ``--out-dir``.

    Seed 0 is the reported run (``name``); another seed is a repeat (``<name>_seed<seed>``), so that a repeat
    never overwrites the reported result nor tries to resume the seed-0 run (whose seed differs)."""
    return name if seed == 0 else f"{name}_seed{seed}"


def seed_of(key, name):
    """The seed of results entry ``key`` of recipe ``name`` by the naming rule of :func:`result_key` (``name``: seed
    0, ``<name>_seed<N>``: seed N), or ``None`` if ``key`` is not a run of that recipe. Older entries lack a
    ``seed`` field, so the key is what says which seed an entry is."""
    if key == name:
        return 0
    suffix = key[len(f"{name}_seed"):] if key.startswith(f"{name}_seed") else ""
    return int(suffix) if suffix.isdigit() else None


def seed_spread(results, name):
    """The run-to-run spread of recipe ``name`` in a results dict: ``{'seeds', 'fids', 'mean', 'min', 'max',
    'range'}`` over its reported run and its seed repeats (:func:`result_key`), or ``None`` below two seeds.
    Entries without a numeric ``fid`` (a run not evaluated) are left out."""
    runs = sorted((seed, entry["fid"]) for key, entry in results.items()
                  if (seed := seed_of(key, name)) is not None and isinstance(entry.get("fid"), (int, float)))
    if len(runs) < 2:
        return None
    fids = [fid for _, fid in runs]
    return {"seeds": [seed for seed, _ in runs], "fids": fids, "mean": round(sum(fids) / len(fids), 3),
            "min": min(fids), "max": max(fids), "range": round(max(fids) - min(fids), 3)}


def train(name, spec, out_dir, seed, max_steps=None, time_limited=True):
    """Train (or resume) one model until its step budget or its wall-clock budget.

    ``time_limited=False`` drops the recipe's wall-clock cap, so that the run trains its full step budget
    whatever the machine's load (for repeats of a recipe by seed, whose FID counts but not their wall time).

    Returns:
        tuple: ``(trainer, {'seconds': cumulative training wall time, 'steps': global step})``."""
    spec = dict(spec)
    time_limit = spec.pop("time_limit", None)
    if not time_limited:
        time_limit = None
    if max_steps:
        spec["num_steps"] = max_steps
    spec.update(dataset="fashion_mnist", data_root=DATA, seed=seed,
                log_dir=os.path.join(out_dir, result_key(name, seed)), device="cpu")
    config = build_config(spec.pop("model"), config=spec)
    config["trainer_kwargs"] = {"log_steps": 200, "vis_steps": 2000, "save_steps": 1000, "progress": False,
                                **_EMA, **config.get("trainer_kwargs", {})}
    timing_file = os.path.join(config["log_dir"], "wall_time.json")
    previous = json.load(open(timing_file)) if os.path.exists(timing_file) else {"seconds": 0.0, "steps": 0}
    if time_limit is not None:
        remaining = time_limit - previous["seconds"]
        if remaining <= 1:  # budget spent: load the last checkpoint without training further
            config["num_steps"] = max(previous["steps"], 1)
        else:
            config["trainer_kwargs"]["time_limit"] = remaining
    t0 = time.perf_counter()
    try:
        result = run_config(config)
    except BaseException:  # Ctrl-C (the Trainer has saved a checkpoint) or an error: the time spent still counts
        # the step reached is the newest complete checkpoint (the Trainer saves one on Ctrl-C)
        saved = CheckpointManager(config["log_dir"]).complete_steps()
        spent = {"seconds": previous["seconds"] + time.perf_counter() - t0,
                 "steps": max([previous["steps"], *saved])}
        tgz.utils.atomic_write_json(timing_file, spent)
        raise
    elapsed = time.perf_counter() - t0
    trained = result["global_step"] > previous["steps"]  # a finished run is only loaded (not timed)
    total = {"seconds": previous["seconds"] + (elapsed if trained else 0.0), "steps": result["global_step"]}
    tgz.utils.atomic_write_json(timing_file, total)
    print(f"{name}: step {result['global_step']} ({result['global_step'] - previous['steps']} new steps in "
          f"{elapsed:.0f} s; stopped: {result.get('stopped')})", flush=True)
    return result["trainer"], total


class ResizedGenerator(torch.nn.Module):
    """Wraps a generator so that its images come out at ``size`` x ``size`` (antialiased bilinear).

    32 px models are trained on Fashion-MNIST upsampled from 28 px; their samples are brought back to
    the native 28 px so that every model is compared with the same reference statistics (the 10,000
    test images as published)."""

    def __init__(self, netG, size):
        super().__init__()
        self.netG, self.size = netG, size
        self.nz, self.num_classes = netG.nz, getattr(netG, "num_classes", None)

    def generate_images(self, num_images, device=None):
        """Images (num_images, C, size, size) in [-1, 1] (random classes for a conditional model)."""
        images = self.netG.generate_images(num_images, device=device)
        if images.shape[-1] != self.size:
            images = torch.nn.functional.interpolate(images, size=(self.size, self.size), mode="bilinear",
                                                     antialias=True, align_corners=False).clamp(-1, 1)
        return images


def evaluation_weights():
    """The Inception file of the 10k evaluation: the state-dict file when the assets script wrote it (the
    same network as the TorchScript, checked by the script; the model zoo and the in-training evaluation
    use it too, so the test statistics are computed once), else the TorchScript extractor."""
    return INCEPTION_STATE_DICT if os.path.exists(INCEPTION_STATE_DICT) else INCEPTION


def fid_of(netG, num_samples, seed):
    """FID of ``num_samples`` images of ``netG`` (at 28 px) against the 10,000 test images."""
    return tgz.metrics.compute_fid(
        "fashion_mnist", ResizedGenerator(netG, 28), root=DATA, split="test", resolution=28,
        num_real_samples=10000, num_fake_samples=num_samples, inception_weights=evaluation_weights(),
        device="cpu", seed=seed, batch_size=100)


def evaluate(name, trainer, num_samples, seed):
    """FID of the run's final generator (EMA with standing statistics when the run keeps one)."""
    netG = trainer.netG_ema if trainer.netG_ema is not None else trainer.netG
    if trainer.netG_ema is not None:
        trainer.ema.standing_stats(num_batches=20, batch_size=100)
    return fid_of(netG, num_samples, seed)


def evaluate_best(trainer, num_samples, seed):
    """The in-training evaluation's best checkpoint (``checkpoints/best``), when the run kept one: its record
    (``step``, ``metric``, ``value``) and, if it is not the final step, the FID of its exported generator
    (EMA, standing statistics: what the model zoo ships) under the same protocol."""
    from torch_gan_zoo.training.best_checkpoint import BestCheckpoint

    record = BestCheckpoint(trainer.log_dir).read()
    if record is None:
        return None
    best = {key: record[key] for key in ("step", "metric", "value")}
    if record["step"] != trainer.global_step:
        folder = tgz.zoo.export_run(trainer.log_dir, os.path.join(trainer.log_dir, "pretrained_best"), step="best",
                                    include_discriminator=False, overwrite=True)
        best["fid"] = round(float(fid_of(tgz.zoo.load(folder), num_samples, seed)), 3)
    return best


def save_grid(name, trainer, seed=0):
    """Write a 10 x 10 grid of the run's (EMA) generator to ``docs/images/fashion_mnist_<name>.png``; a seed
    other than 0 gets its own file (``..._seed<seed>.png``), so repeats never overwrite the reported grid."""
    import torchvision.utils as vutils

    netG = trainer.netG_ema if trainer.netG_ema is not None else trainer.netG
    netG.eval()
    with torch.no_grad(), torch.random.fork_rng():
        torch.manual_seed(0)
        if getattr(netG, "num_classes", None):
            labels = torch.arange(100) % netG.num_classes
            images = netG(netG.sample_latent(100), labels)
        else:
            images = netG.generate_images(100)
    path = os.path.join(REPO, "docs", "images", f"fashion_mnist_{result_key(name, seed)}.png")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    vutils.save_image(images.float(), path, nrow=10, normalize=True, value_range=(-1, 1))
    return path


def read_results(path):
    """The results JSON at ``path`` as a dict (``{}`` if there is none yet).

    Raises:
        SystemExit: The file is not a JSON object (truncated, hand-edited): said before any training, since the
            run's result could not be added to it afterwards."""
    if not os.path.exists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            results = json.load(f)
    except (OSError, ValueError) as error:
        sys.exit(f"the results file {path} cannot be read as JSON ({error}); mend or move it, then run again")
    if not isinstance(results, dict):
        sys.exit(f"the results file {path} holds a {type(results).__name__}, not a JSON object of results")
    return results


def record_result(path, key, entry):
    """Add ``entry`` under ``key`` to the results JSON at ``path`` and return the whole file's results.

    The file is read again under an exclusive lock on its folder and written atomically, so that two benchmark
    processes sharing one results file (say two seeds at once) each add their entry: neither overwrites the
    other's with the copy it read an hour earlier."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        results = read_results(path)
        results[key] = json.loads(json.dumps(entry, default=str))
        tgz.utils.atomic_write_json(path, results)
    finally:
        os.close(fd)  # closing releases the lock
    return results


def int_at_least(minimum):
    """An argparse ``type``: an integer of at least ``minimum``, so that a bad count is refused when the arguments
    are parsed, not by the FID or the Trainer after an hour of training (argparse exits with code 2)."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value
    return parse


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--out-dir", default=os.path.join(REPO, "runs", "fashion_mnist"))
    parser.add_argument("--steps", type=int_at_least(1), help="override every model's step budget")
    parser.add_argument("--num-samples", type=int_at_least(2), default=10000)  # a covariance needs 2
    parser.add_argument("--seed", type=int_at_least(0), default=0)
    parser.add_argument("--threads", type=int_at_least(1), default=1, help="CPU threads for training and evaluation")
    parser.add_argument("--no-time-limit", action="store_true",
                        help="train each model's full step budget, ignoring its wall-clock cap (for seed repeats)")
    parser.add_argument("--results", default=os.path.join(REPO, "benchmarks", "results", "fashion_mnist.json"))
    args = parser.parse_args(argv)
    if not os.path.exists(INCEPTION) or not os.path.isdir(DATA):
        sys.exit("run ../shared/tools/get-real-assets.sh first (Fashion-MNIST and the real Inception)")
    torch.set_num_threads(args.threads)
    read_results(args.results)  # a corrupt results file is refused now, not after the training
    for name in args.models:
        trainer, timing = train(name, MODELS[name], args.out_dir, args.seed, args.steps,
                                time_limited=not args.no_time_limit)
        t0 = time.perf_counter()
        fid = evaluate(name, trainer, args.num_samples, args.seed)
        best = evaluate_best(trainer, args.num_samples, args.seed)
        key = result_key(name, args.seed)
        entry = {
            "recipe": name, "model": MODELS[name]["model"], "resolution": trainer.data.dataset.resolution,
            "steps": timing["steps"], "train_seconds": round(timing["seconds"], 1),
            "steps_per_sec": round(timing["steps"] / max(timing["seconds"], 1e-9), 3),
            "batch_size": trainer.data.batch_size, "n_dis": trainer.n_dis,
            "fid": round(float(fid), 3), "fid_details": fid.as_dict(),
            "best_checkpoint": best,
            "eval_seconds": round(time.perf_counter() - t0, 1), "threads": torch.get_num_threads(),
            "seed": args.seed, "time_limit": None if args.no_time_limit else MODELS[name].get("time_limit"),
            "grid": os.path.relpath(save_grid(name, trainer, args.seed), REPO),
            "environment": environment(),
        }
        print(json.dumps({key: entry}, indent=2, default=str), flush=True)
        results = record_result(args.results, key, entry)
        spread = seed_spread(results, name)  # after the result is saved: nothing here may lose an hour's run
        if spread is not None:
            print(f"{name}: FID over seeds {spread['seeds']}: mean {spread['mean']}, range {spread['min']} to "
                  f"{spread['max']} ({spread['range']})", flush=True)


if __name__ == "__main__":
    main()
