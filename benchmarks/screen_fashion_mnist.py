"""Screen a change to a named Fashion-MNIST preset: train the preset with ``--set`` overrides under a short
wall-clock cap, then score a small FID, so that candidate changes can be compared before spending an hour.

Each screen trains with :func:`fashion_mnist.train` (the benchmark's loop: real Fashion-MNIST, the EMA of
``_EMA``, resumable, the cap counted across segments) and scores ``--num-samples`` EMA samples (standing
batch-norm statistics) against the 10,000 test images with :func:`fashion_mnist.evaluate` (the benchmark's
protocol). The preset's in-training evaluation is dropped unless ``--keep-evaluation``: within a short cap it
would only cost training time. A screen's FID is comparable with other screens of the same cap and sample
count, not with 10,000-sample figures (fewer samples bias FID upwards). Each result is appended as one JSON line
to ``--results``.

    python benchmarks/screen_fashion_mnist.py --name upsample_480 --cap 480 --set model_kwargs.upsample=true
"""
import argparse
import json
import os
import sys
import time

import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "benchmarks"))
sys.path.insert(0, REPO)

import fashion_mnist  # noqa: E402
from torch_gan_zoo.training.recipe import build_config  # noqa: E402


def screen_spec(preset, overrides, cap, keep_evaluation=False):
    """A recipe of :mod:`fashion_mnist` (for its ``train``): named preset ``preset`` with ``overrides``
    (``KEY=VALUE`` strings, as ``torch-gan-zoo train --set`` takes them) and a wall-clock cap of ``cap`` seconds.

    Raises:
        ValueError: An unknown preset, a bad override, or a preset for another dataset.
    """
    config = build_config(None, named_preset=preset, overrides=list(overrides))
    if config.pop("dataset") != "fashion_mnist":
        raise ValueError(f"named preset {preset!r} is not a Fashion-MNIST recipe")
    if not keep_evaluation:
        config.pop("evaluation", None)
    elif config.get("evaluation"):
        config["evaluation"].setdefault("options", {})["inception_weights"] = fashion_mnist.evaluation_weights()
    for key in ("log_dir", "seed", "data_root", "device"):  # the benchmark's train() sets these
        config.pop(key, None)
    return {**config, "time_limit": cap}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--name", required=True, help="the screen's name (its run folder under --out-dir)")
    parser.add_argument("--preset", default="dcgan_fashion_mnist_1h", help="named preset to start from")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="a change to the preset (repeatable), e.g. model_kwargs.upsample=true")
    parser.add_argument("--cap", type=float, default=480, help="wall-clock training budget in seconds")
    parser.add_argument("--num-samples", type=fashion_mnist.int_at_least(2), default=2000)
    parser.add_argument("--keep-evaluation", action="store_true", help="keep the preset's in-training evaluation")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out-dir", default=os.path.join(REPO, "runs", "screens"))
    parser.add_argument("--results", default=os.path.join(REPO, "runs", "screens", "screens.jsonl"))
    args = parser.parse_args(argv)
    if not args.cap > 0:  # fashion_mnist.train would read a spent cap as "load the last checkpoint"
        parser.error(f"--cap must be a positive number of seconds, got {args.cap}")
    spec = screen_spec(args.preset, args.overrides, args.cap, args.keep_evaluation)  # bad input: before any work
    torch.set_num_threads(args.threads)
    trainer, timing = fashion_mnist.train(args.name, spec, args.out_dir, args.seed)
    t0 = time.perf_counter()
    fid = fashion_mnist.evaluate(args.name, trainer, args.num_samples, args.seed)
    record = {"name": args.name, "preset": args.preset, "overrides": args.overrides, "cap": args.cap,
              "steps": timing["steps"], "seconds": round(timing["seconds"], 1),
              "steps_per_sec": round(timing["steps"] / max(timing["seconds"], 1e-9), 3),
              "num_samples": args.num_samples, "fid": round(float(fid), 3),
              "eval_seconds": round(time.perf_counter() - t0, 1), "threads": args.threads, "seed": args.seed}
    print(json.dumps(record), flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
    with open(args.results, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    return record


if __name__ == "__main__":
    main()
