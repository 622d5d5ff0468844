"""The ``torch-gan-zoo`` command. Thin: it parses arguments and calls the library.

    torch-gan-zoo quickstart [--dataset shapes|fashion_mnist]
    torch-gan-zoo train --model sngan --resolution 32 --dataset cifar10 --data-root DIR --steps N ...
    torch-gan-zoo models
    torch-gan-zoo sample --checkpoint log/checkpoints/netG/netG_1000_steps.pth --out samples.png
"""
import argparse
import json
import os
import sys

__all__ = ["main", "build_parser"]

QUICKSTART = {
    "shapes": {"model": "dcgan", "resolution": 32, "model_kwargs": {"ngf": 128, "ndf": 128}},
    "fashion_mnist": {"model": "dcgan", "resolution": 28, "model_kwargs": {"ngf": 64, "ndf": 64}},
}


def _add_run_options(parser):
    parser.add_argument("--log-dir", help="where hparams.json, checkpoints, TensorBoard logs and samples go")
    parser.add_argument("--seed", type=int, help="seed for weights, noise and data order")
    parser.add_argument("--device", help="cpu, cuda, cuda:1, ... (default: cuda if available)")
    parser.add_argument("--num-workers", type=int, help="data-loader worker processes")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override any config field, e.g. --set optD.lr=1e-4 --set model_kwargs.ngf=128")


def build_parser():
    """The argument parser of the ``torch-gan-zoo`` command."""
    parser = argparse.ArgumentParser(prog="torch-gan-zoo", description="Train, sample and inspect GANs.")
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="train a registered model on a dataset",
                           description="Train with the model's paper preset; flags and --set override it.")
    train.add_argument("--model", required=True, help="registered model name (see `torch-gan-zoo models`)")
    train.add_argument("--resolution", type=int, help="image size (default: the dataset's usual size)")
    train.add_argument("--dataset", required=True, help="shapes, cifar10, stl10, fashion_mnist, imagefolder, ...")
    train.add_argument("--data-root", help="folder holding the dataset")
    train.add_argument("--steps", type=int, dest="num_steps", help="generator steps (default: the preset's)")
    train.add_argument("--batch-size", type=int, help="batch size (default: the preset's)")
    train.add_argument("--n-dis", type=int, help="discriminator steps per generator step")
    train.add_argument("--lr-decay", choices=["none", "linear"], help="learning-rate schedule")
    train.add_argument("--config", help="JSON file of config values (flags and --set take precedence)")
    train.add_argument("--download", action="store_true", help="let torchvision download the dataset")
    _add_run_options(train)

    quick = sub.add_parser("quickstart", help="train a small DCGAN on built-in data in a few minutes",
                           description="Train a small DCGAN on the download-free `shapes` data (or real "
                                       "Fashion-MNIST) and leave samples, TensorBoard logs and a checkpoint.")
    quick.add_argument("--dataset", choices=sorted(QUICKSTART), default="shapes")
    quick.add_argument("--data-root", help="Fashion-MNIST folder (default: the usual system locations)")
    quick.add_argument("--steps", type=int, default=1500, dest="num_steps", help="generator steps (default 1500)")
    quick.add_argument("--batch-size", type=int, default=64)
    _add_run_options(quick)

    sub.add_parser("models", help="list registered models and their presets",
                   description="List registered models, resolutions and papers.")

    sample = sub.add_parser("sample", help="write a grid of samples from a generator checkpoint",
                            description="Rebuild a generator from its checkpoint alone and save samples.")
    sample.add_argument("--checkpoint", required=True, help="a netG checkpoint file")
    sample.add_argument("--out", default="samples.png", help="output PNG grid")
    sample.add_argument("--num-images", type=int, default=64)
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--class", dest="class_label", type=int, help="class to sample (conditional models)")
    sample.add_argument("--truncation", type=float, help="truncation trick threshold, e.g. 0.5")
    sample.add_argument("--device", default="cpu")
    return parser


def _train(args, config):
    from torch_gan_zoo.training.recipe import build_config, run_config

    merged = build_config(args.model if hasattr(args, "model") else config.pop("model"), config=config,
                          overrides=args.overrides, **{k: getattr(args, k, None) for k in (
                              "num_steps", "batch_size", "n_dis", "seed", "device", "num_workers")})
    result = run_config(merged)
    log_dir = result["log_dir"]
    print(f"\nDone: {result['global_step']} steps.")
    print(f"  samples:      {os.path.join(log_dir, 'images')}")
    print(f"  tensorboard:  tensorboard --logdir {os.path.join(log_dir, 'tensorboard')}")
    print(f"  checkpoint:   {result['checkpoint']['netG']}")
    print(f"  hparams:      {os.path.join(log_dir, 'hparams.json')}")
    return 0


def _cmd_train(args):
    config = {}
    if args.config:
        with open(args.config, encoding="utf-8") as f:
            config = json.load(f)
        if not isinstance(config, dict):
            raise SystemExit(f"{args.config} must hold a JSON object")
    config.update({k: v for k, v in {
        "resolution": args.resolution, "dataset": args.dataset, "data_root": args.data_root,
        "log_dir": args.log_dir or os.path.join("log", f"{args.model}_{args.dataset}"),
        "lr_decay": None if args.lr_decay == "none" else args.lr_decay,
        "download": args.download or None}.items() if v is not None})
    if args.lr_decay == "none":
        config["lr_decay"] = None
    return _train(args, config)


def _cmd_quickstart(args):
    setup = QUICKSTART[args.dataset]
    args.model = setup["model"]
    config = {
        "resolution": setup["resolution"], "dataset": args.dataset, "data_root": args.data_root,
        "model_kwargs": dict(setup["model_kwargs"]), "lr_decay": None,
        "log_dir": args.log_dir or os.path.join("log", f"quickstart_{args.dataset}"),
        "trainer_kwargs": {"log_steps": 50, "vis_steps": 500, "save_steps": 500},
    }
    if args.seed is None:
        args.seed = 0
    return _train(args, config)


def _cmd_models(_args):
    from torch_gan_zoo import nets
    from torch_gan_zoo.config.presets import list_presets

    presets = set(list_presets())
    for name, resolution in nets.list_models():
        info = nets.model_info(name, resolution)
        print(f"{name:<14} {resolution:>4}px  preset={'yes' if name in presets else 'no ':<3}  {info['paper'] or ''}")
    return 0


def _cmd_sample(args):
    import torch
    import torchvision.utils as vutils

    from torch_gan_zoo.nets import BaseModel

    netG = BaseModel.from_checkpoint(args.checkpoint, map_location=args.device)
    if not hasattr(netG, "generate_images"):
        raise SystemExit(f"{args.checkpoint} does not hold a generator")
    kwargs = {"device": args.device, "truncation": args.truncation}
    if args.class_label is not None:
        if not getattr(netG, "num_classes", None):
            raise SystemExit(f"--class needs a class-conditional generator; {type(netG).__name__} is not one")
        kwargs["c"] = args.class_label
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(args.seed)
        images = netG.generate_images(args.num_images, **kwargs).float().cpu()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    vutils.save_image(images, args.out, nrow=max(1, int(args.num_images ** 0.5)), normalize=True, value_range=(-1, 1))
    print(f"wrote {args.num_images} samples to {args.out}")
    return 0


def main(argv=None):
    """Entry point of ``torch-gan-zoo``; returns the exit status."""
    args = build_parser().parse_args(argv)
    commands = {"train": _cmd_train, "quickstart": _cmd_quickstart, "models": _cmd_models, "sample": _cmd_sample}
    try:
        return commands[args.command](args)
    except KeyboardInterrupt as exc:
        print(f"\n{exc or 'interrupted'}", file=sys.stderr)
        return 130
    except (ValueError, TypeError, FileNotFoundError, RuntimeError) as exc:
        print(f"torch-gan-zoo {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
