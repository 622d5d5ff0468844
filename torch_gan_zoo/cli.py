"""The ``torch-gan-zoo`` command. Thin: it parses arguments and calls the library.

    torch-gan-zoo quickstart [--dataset shapes|fashion_mnist]
    torch-gan-zoo train --model sngan --resolution 32 --dataset cifar10 --data-root DIR --steps N ...
    torch-gan-zoo train --config log/run/config.json            (re-run a run from its own record)
    torch-gan-zoo train --model mypkg.gans:make_pair --dataset shapes   (your own model)
    torch-gan-zoo models
    torch-gan-zoo sample --checkpoint log/checkpoints/netG/netG_1000_steps.pth --out samples.png
    torch-gan-zoo sample --model NAME | --pretrained FOLDER --num 64 --out grid.png
    torch-gan-zoo eval --pretrained NAME --metrics fid kid prdc --dataset fashion_mnist --num-samples 10000
    torch-gan-zoo export --run LOG_DIR [--out FOLDER] [--step N|best]
    torch-gan-zoo pretrained
"""

from __future__ import annotations

from collections.abc import Sequence

import argparse
import json
import os
import sys

__all__ = ["main", "build_parser"]

#: Seconds of training after which a quickstart stops (checkpoint saved; the same command continues it), so
#: that the command ends within five minutes on a slower CPU too: start-up and the final grid took 20 s more on
#: a 2-core AMD EPYC Zen 3 (AVX2), where the shapes recipe (cppn) reaches step 2,156 to 2,200 in the 260 s (the
#: cDCGAN of earlier releases did all its steps in about 245 s on a 2-core Zen 4). ``--set trainer.time_limit=null``
#: trains every step in one go (what reproduces the zoo's ``shapes_quickstart`` exactly on any machine).
QUICKSTART_TIME_LIMIT = 260

#: The quickstart recipes (flat run-configuration keys; flags and --set override them). An ``ema_decay`` in
#: ``trainer_kwargs`` makes the final grid come from the EMA generator (standing batch-norm statistics).
#: Measured in benchmarks/quickstart_quality.py; see docs/quickstart.rst.
QUICKSTART = {
    # 28 px class-conditional CPPN GAN (cppn: a per-pixel MLP on the pixel coordinates, whose first layer draws
    # per-image half-planes and discs, so straight edges and corners come within the budget; the cDCGAN's
    # projection discriminator with ndf=48, which leaves the steps to the generator, plus an auxiliary
    # classifier, which makes each row the kind asked for), TTUR (G 4e-4, D 8e-4), batch 32, the mode-seeking
    # term against collapse and an EMA generator (docs/quickstart.rst has the recipes measured).
    "shapes": {"model": "cppn", "resolution": 28,
               "model_kwargs": {"nz": 64, "ndf": 48, "nc": 3},
               "optG": {"name": "adam", "lr": 4e-4, "betas": [0.5, 0.999]},
               "optD": {"name": "adam", "lr": 8e-4, "betas": [0.5, 0.999]},
               "regularizers": [{"name": "mode_seeking", "weight": 1.0}],
               "num_steps": 2200, "batch_size": 32, "lr_decay": None,
               "trainer_kwargs": {"ema_decay": 0.995, "time_limit": QUICKSTART_TIME_LIMIT}},
    "fashion_mnist": {"model": "dcgan", "resolution": 28, "model_kwargs": {"ngf": 64, "ndf": 64},
                      "num_steps": 1500, "batch_size": 64, "lr_decay": None,
                      "trainer_kwargs": {"time_limit": QUICKSTART_TIME_LIMIT}},
}

#: File (under ``log_dir/images``) of the quickstart's final grid: the EMA generator's samples of the fixed noise.
QUICKSTART_GRID = "quickstart_final.png"

# Settings whose flags quickstart offers (train offers every flag of the run configuration).
_QUICKSTART_KEYS = ("data.root", "schedule.num_steps", "trainer.batch_size", "logging.log_dir", "trainer.seed",
                    "trainer.device", "data.num_workers")


def _add_config_flags(parser, keys=None, helps=None):
    """Add the run configuration's flags (``--steps``, ``--n-dis``, ...) to ``parser``. Values stay text:
    the configuration type-checks them once, like a ``--set`` value."""
    from torch_gan_zoo.config.run import cli_flags, flag_const

    for flag, key, text, switch in cli_flags():
        if keys is not None and key not in keys:
            continue
        text = (helps or {}).get(key, text) + f" [{key}]"
        if switch:
            parser.add_argument(flag, dest=f"cfg:{key}", action="store_const", const="true", help=text)
        elif flag_const(key) is not None:  # --export-pretrained alone, or --export-pretrained FOLDER
            parser.add_argument(flag, dest=f"cfg:{key}", nargs="?", const=flag_const(key),
                                metavar=flag.lstrip("-").replace("-", "_").upper(), help=text)
        else:
            parser.add_argument(flag, dest=f"cfg:{key}", metavar=flag.lstrip("-").replace("-", "_").upper(), help=text)
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override any config field, e.g. --set optD.lr=1e-4 --set model_kwargs.ngf=128 "
                             "(keys: docs/training.rst, 'Run configuration')")
    parser.add_argument("--allow-change", dest="allow_changes", action="append", default=[], metavar="KEY",
                        help="when resuming, accept this changed setting (e.g. optG.lr after a NaN); recorded in "
                             "hparams.json's history")


def _flag_overrides(args):
    """The given flags as ``key=value`` overrides, in the order the configuration defines them."""
    return [f"{name[4:]}={value}" for name, value in vars(args).items()
            if name.startswith("cfg:") and value is not None]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``torch-gan-zoo`` command."""
    parser = argparse.ArgumentParser(prog="torch-gan-zoo", description="Train, sample and inspect GANs.")
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="train a registered model (or your own) on a dataset",
                           description="Train with the model's paper preset; --config, flags and --set override it "
                                       "(in that order). Every run writes its resolved configuration to "
                                       "LOG_DIR/config.json; `--config LOG_DIR/config.json` re-runs it.")
    train.add_argument("--config", help="JSON file of config values: flat or nested keys, a run's config.json or "
                                        "hparams.json (flags and --set take precedence)")
    train.add_argument("--preset", metavar="NAME",
                       help="a named preset measured on one dataset (model, dataset and settings; `torch-gan-zoo "
                            "models` lists them): --config, flags and --set override it")
    _add_config_flags(train)

    quick = sub.add_parser("quickstart", help="train a small DCGAN on built-in data in a few minutes",
                           description="Train a small DCGAN on the download-free `shapes` data (or real "
                                       "Fashion-MNIST) and leave samples, TensorBoard logs and a checkpoint.")
    quick.add_argument("--dataset", choices=sorted(QUICKSTART), default="shapes")
    _add_config_flags(quick, keys=_QUICKSTART_KEYS, helps={
        "data.root": "Fashion-MNIST folder (default: the usual system locations)",
        "schedule.num_steps": f"generator steps (default {QUICKSTART['shapes']['num_steps']} on shapes)",
        "trainer.batch_size": f"batch size (default {QUICKSTART['shapes']['batch_size']} on shapes)",
        "trainer.seed": "seed (default 0)"})

    sub.add_parser("models", help="list registered models and their presets",
                   description="List registered models, resolutions and papers. Your own model trains with "
                               "--model package.module:make_pair or --model package.module:G,package.module:D.")

    _add_zoo_parsers(sub)
    return parser


def _read_config_file(path):
    """A ``--config`` file: a JSON object of config keys, a run's ``config.json``, or its ``hparams.json``
    (whose ``run_config`` record is used)."""
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(config, dict):
        raise SystemExit(f"{path} must hold a JSON object")
    if "netG" in config and "netD" in config and "optG" in config:  # a run's hparams.json snapshot
        if not isinstance(config.get("run_config"), dict):
            raise SystemExit(f"{path} is a run's hparams.json written before runs recorded their configuration; "
                             "re-create the command from its values, or use a newer run's config.json")
        config = config["run_config"]
    return config


def _train(args, layers, result=None):
    """Resolve the configuration (``layers`` < flags < --set), train, and print where things went; the
    run's result (:func:`~torch_gan_zoo.training.recipe.run_config`) is copied into ``result`` if given."""
    from torch_gan_zoo.config.run import merge, parse_override, to_nested
    from torch_gan_zoo.training.recipe import build_run_config, run_config

    overrides = _flag_overrides(args) + list(args.overrides)
    config = {}
    for layer in layers:
        config = merge(config, to_nested(layer))
    named_preset = getattr(args, "preset", None)
    run = build_run_config(config=config, overrides=overrides, named_preset=named_preset)
    named_log_dir = "log_dir" in config.get("logging", {}) or any(
        parse_override(o)[0] == ("logging", "log_dir") for o in overrides)
    if not named_log_dir:  # default: log/<named preset>, else log/<model>_<dataset>
        default_name = f"{run.model.name.replace(':', '_').replace(',', '_')}_{run.data.dataset}"
        run.logging.log_dir = os.path.join("log", named_preset or default_name)
    typed_model = getattr(args, "cfg:model.name", None)
    run_result = run_config(run, allow_import=typed_model is not None and typed_model == run.model.name,
                            allow_changes=args.allow_changes)
    if result is not None:
        result.update(run_result)
    log_dir = run_result["log_dir"]
    if run_result.get("stopped") == "time_limit":
        print(f"\nStopped by the time limit of {run.trainer.time_limit:g} s at step {run_result['global_step']} of "
              f"{run.schedule.num_steps} (checkpoint saved): run the same command again to continue, or add "
              f"--set trainer.time_limit=null to train every step in one go.")
    else:
        print(f"\nDone: {run_result['global_step']} steps.")
    print(f"  samples:      {os.path.join(log_dir, 'images')}")
    print(f"  tensorboard:  tensorboard --logdir {os.path.join(log_dir, 'tensorboard')}")
    print(f"  checkpoint:   {run_result['checkpoint']['netG']}")
    print(f"  hparams:      {os.path.join(log_dir, 'hparams.json')}")
    print(f"  config:       {os.path.join(log_dir, 'config.json')} (re-run: torch-gan-zoo train --config it)")
    if run_result.get("pretrained"):
        print(f"  pretrained:   {run_result['pretrained']} (load: torch_gan_zoo.zoo.load(this folder))")
    return 0


def _cmd_train(args):
    return _train(args, [_read_config_file(args.config)] if args.config else [])


def _cmd_quickstart(args):
    setup = QUICKSTART[args.dataset]
    defaults = {**json.loads(json.dumps(setup)), "dataset": args.dataset, "seed": 0,
                "log_dir": os.path.join("log", f"quickstart_{args.dataset}")}
    defaults["trainer_kwargs"] = {"log_steps": 50, "vis_steps": 500, "save_steps": 500, **defaults["trainer_kwargs"]}
    result = {}
    code = _train(args, [defaults], result=result)
    grid = _write_quickstart_grid(result["trainer"])
    if grid:
        print(f"  final grid:   {grid}")
    return code


def _write_quickstart_grid(trainer):
    """Write the run's final grid (``log_dir/images/quickstart_final.png``) from the fixed noise: the EMA
    generator with standing batch-norm statistics (the zoo export's settings) when the run keeps an EMA,
    else the generator. A class-conditional generator's grid has one row per class (class 0 on top), each
    row the first ``num_vis_images // num_classes`` fixed noise vectors (the same in every row). Returns the path
    (``None`` on a non-main process)."""
    import copy

    import torch

    from torch_gan_zoo.training.ema import standing_stats
    from torch_gan_zoo.utils.io import atomic_save_image
    from torch_gan_zoo.zoo.export import STANDING_STATS

    if not trainer.dist.is_main:
        return None
    netG = copy.deepcopy(trainer.netG if trainer.ema is None else trainer.ema.shadow)
    if hasattr(netG, "set_call_wrapper"):
        netG.set_call_wrapper(None)
    if trainer.ema is not None:
        standing_stats(netG, **STANDING_STATS)
    netG.eval()
    noise = trainer.fixed_noise
    if trainer.fixed_labels is None:
        inputs, nrow = (noise,), max(1, round(noise.shape[0] ** 0.5))
    else:
        num_classes = int(netG.num_classes)
        nrow = max(1, noise.shape[0] // num_classes)
        labels = torch.arange(num_classes, device=noise.device).repeat_interleave(nrow)
        inputs = (noise[:nrow].repeat(num_classes, 1), labels)
    with torch.no_grad():
        images = netG(*inputs).float().cpu().clamp(-1, 1)
    path = os.path.join(trainer.log_dir, "images", QUICKSTART_GRID)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    atomic_save_image(images, path, nrow=nrow, normalize=True, value_range=(-1, 1), padding=2)
    return path


def _cmd_models(_args):
    from torch_gan_zoo import nets
    from torch_gan_zoo.config.named_presets import get_named_preset, list_named_presets
    from torch_gan_zoo.config.presets import list_presets

    presets = set(list_presets())
    for name, resolution in nets.list_models():
        info = nets.model_info(name, resolution)
        print(f"{name:<14} {resolution:>4}px  preset={'yes' if name in presets else 'no ':<3}  {info['paper'] or ''}")
    print("\nNamed presets (torch-gan-zoo train --preset NAME):")
    for name in list_named_presets():
        preset = get_named_preset(name)
        config = preset["config"]
        print(f"{name:<26} {config['model']} on {config['dataset']}: {preset['measured']}")
    return 0


# --------------------------------------------------------------------------- sample / eval / export (model zoo)
def _add_zoo_parsers(sub):
    """The ``sample``, ``eval`` and ``export`` sub-commands."""
    sample = sub.add_parser("sample", help="write a grid of samples from a pretrained model or a checkpoint",
                            description="Sample from a registered pretrained model, a pretrained folder or a "
                                        "generator checkpoint; no dataset needed.")
    source = sample.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="registered pretrained name (see `torch-gan-zoo pretrained`)")
    source.add_argument("--pretrained", help="pretrained folder, model.safetensors file or URL (with --sha256)")
    source.add_argument("--checkpoint", help="a netG checkpoint file of a training run")
    sample.add_argument("--sha256", help="expected SHA-256 of the weights (required for a URL)")
    sample.add_argument("--out", default="samples.png", help="output PNG grid")
    sample.add_argument("--num", "--num-images", dest="num", type=int, default=64, help="number of images")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--class", dest="class_label", type=int, help="class to sample (conditional models)")
    sample.add_argument("--truncation", type=float, help="truncation trick threshold, e.g. 0.5")
    sample.add_argument("--device", default="cpu")

    evaluate = sub.add_parser("eval", help="FID / KID / PRDC / IS of a pretrained generator",
                              description="Evaluate a pretrained generator against a dataset split (the zoo's "
                                          "protocol: 10,000 generated vs the test split); prints a table and "
                                          "writes JSON with the protocol of every number.")
    evaluate.add_argument("--pretrained", required=True, help="registered name, pretrained folder, file or URL")
    evaluate.add_argument("--sha256", help="expected SHA-256 of the weights (required for a URL)")
    evaluate.add_argument("--metrics", nargs="+", default=["fid"], help="fid, kid, prdc, is (default: fid)")
    evaluate.add_argument("--dataset", required=True, help="reference dataset name, folder or statistics file")
    evaluate.add_argument("--data-root", help="folder holding the dataset")
    evaluate.add_argument("--split", default="test", help="reference split (default: test)")
    evaluate.add_argument("--num-samples", type=int, default=10000, help="generated images (default 10000)")
    evaluate.add_argument("--num-real-samples", type=int, help="reference images (default: the whole split)")
    evaluate.add_argument("--inception-weights", help="Inception weights file (default: the cached download)")
    evaluate.add_argument("--kid-subsets", type=int, default=100, help="KID subsets (default 100)")
    evaluate.add_argument("--kid-subset-size", type=int, default=1000, help="KID samples per subset (default 1000)")
    evaluate.add_argument("--nearest-k", type=int, default=5, help="PRDC neighbourhood size (default 5)")
    evaluate.add_argument("--batch-size", type=int, default=50)
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument("--device", help="cpu, cuda, ... (default: cuda if available)")
    evaluate.add_argument("--out", help="write the results as JSON here")

    export = sub.add_parser("export", help="export a run's generator as a pretrained folder",
                            description="Write the generator a run evaluated (EMA with standing batch-norm "
                                        "statistics, when the run kept one) as config.json + model.safetensors "
                                        "+ README.md.")
    export.add_argument("--run", required=True, help="the run's log directory")
    export.add_argument("--out", help="output folder (default: LOG_DIR/pretrained)")
    export.add_argument("--step", type=_step_or_best,
                        help="checkpoint step, or 'best': the step the in-training evaluation scored best "
                             "(default: the newest)")
    export.add_argument("--no-ema", action="store_true", help="export the raw generator even if an EMA one exists")
    export.add_argument("--no-discriminator", action="store_true", help="leave the discriminator out")
    export.add_argument("--half", action="store_true", help="store float16 weights (half the size)")
    export.add_argument("--name", help="model name for the card")
    export.add_argument("--license", help="license of the weights (default MIT)")
    export.add_argument("--command", dest="train_command", help="the command that reproduces the weights")
    export.add_argument("--overwrite", action="store_true", help="replace an existing pretrained folder")

    sub.add_parser("pretrained", help="list the registered pretrained models",
                   description="List the pretrained models of the zoo with their FID and its protocol.")


def _load_generator(args):
    from torch_gan_zoo import zoo
    from torch_gan_zoo.zoo.checkpoints import load_checkpoint_model

    if args.checkpoint:  # registered classes only: the file cannot choose a module to import
        netG = load_checkpoint_model(args.checkpoint, map_location=args.device)[3]
        what = args.checkpoint
    else:
        what = args.model or args.pretrained
        netG = zoo.load(what, device=args.device, sha256=args.sha256)
    if not hasattr(netG, "generate_images"):
        raise SystemExit(f"{what} does not hold a generator")
    return netG


def _cmd_sample(args):
    import torch

    from torch_gan_zoo.utils.io import atomic_save_image

    if args.num < 1:
        raise SystemExit(f"--num must be at least 1, got {args.num}")
    netG = _load_generator(args)
    kwargs = {"device": args.device, "truncation": args.truncation}
    if args.class_label is not None:
        if not getattr(netG, "num_classes", None):
            raise SystemExit(f"--class needs a class-conditional generator; {type(netG).__name__} is not one")
        kwargs["c"] = args.class_label
    netG.eval()
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(args.seed)
        images = netG.generate_images(args.num, **kwargs).float().cpu()
    atomic_save_image(images, args.out, nrow=max(1, int(args.num ** 0.5)), normalize=True, value_range=(-1, 1))
    print(f"wrote {args.num} samples to {args.out}")
    return 0


def _cmd_eval(args):
    from torch_gan_zoo import zoo
    from torch_gan_zoo.utils.io import atomic_write_json

    netG = zoo.load(args.pretrained, device=args.device, sha256=args.sha256)
    scores = zoo.evaluate_pretrained(netG, args.dataset, metrics=args.metrics, root=args.data_root, split=args.split,
                                     num_samples=args.num_samples, num_real_samples=args.num_real_samples,
                                     seed=args.seed, device=args.device, batch_size=args.batch_size,
                                     inception_weights=args.inception_weights, subsets=args.kid_subsets,
                                     subset_size=args.kid_subset_size, nearest_k=args.nearest_k)
    any_score = next(iter(scores.values()))
    print(f"{args.pretrained}: {any_score.num_fake} generated vs {any_score.num_real} reference images "
          f"({any_score.real_source}), protocol {any_score.protocol}, Inception {any_score.weights_sha256[:12]}, "
          f"seed {any_score.seed}")
    print(f"  {'metric':<10} {'value':>12} {'std':>10}")
    for name, score in scores.items():
        std = "" if score.std is None else f"{score.std:.4g}"
        print(f"  {name:<10} {float(score):>12.4f} {std:>10}")
    if args.out:
        record = {"pretrained": args.pretrained, "dataset": args.dataset, "split": args.split,
                  "metrics": {name: score.as_dict() for name, score in scores.items()}}
        atomic_write_json(args.out, record)
        print(f"wrote {args.out}")
    return 0


def _step_or_best(text):
    """``--step``: a step number or ``best``."""
    if text.strip().lower() == "best":
        return "best"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a step number or 'best', got {text!r}") from None


def _cmd_export(args):
    import torch

    from torch_gan_zoo import zoo

    card = {k: v for k, v in {"name": args.name, "license": args.license, "command": args.train_command}.items()
            if v is not None}
    folder = zoo.export_run(args.run, args.out, step=args.step, use_ema=False if args.no_ema else None,
                            include_discriminator=not args.no_discriminator,
                            dtype=torch.float16 if args.half else None, card=card, overwrite=args.overwrite)
    config = zoo.read_config(folder)
    export = config["export"]
    best = export.get("best")
    print(f"exported {export['source']} of step {export['step']} to {folder}"
          + (f" (the best checkpoint: {best['metric']} {best['value']:.6g})" if best else "")
          + (" (standing batch-norm statistics re-estimated)" if export["standing_stats"] else ""))
    return 0


def _cmd_pretrained(_args):
    from torch_gan_zoo import zoo

    entries = zoo.list_pretrained()
    if not entries:
        print("no pretrained model is registered in this version")
    for e in entries:
        fid = "FID n/a" if e.fid is None else (f"FID {e.fid.value:.2f} ({e.fid.num_fake} vs {e.fid.num_real} "
                                               f"{e.fid.reference}, {e.fid.protocol})")
        print(f"{e.name:<28} {e.model:<10} {e.resolution:>4}px  {e.dataset:<14} {fid}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``torch-gan-zoo``; returns the exit status."""
    args = build_parser().parse_args(argv)
    commands = {"train": _cmd_train, "quickstart": _cmd_quickstart, "models": _cmd_models, "sample": _cmd_sample,
                "eval": _cmd_eval, "export": _cmd_export, "pretrained": _cmd_pretrained}
    try:
        return commands[args.command](args)
    except KeyboardInterrupt as exc:
        print(f"\n{exc or 'interrupted'}", file=sys.stderr)
        return 130
    except (ValueError, TypeError, FileNotFoundError, RuntimeError, FloatingPointError) as exc:
        # FloatingPointError: a non-finite loss; its message (also in train.log) says how to resume.
        print(f"torch-gan-zoo {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
