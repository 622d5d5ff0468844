"""Training from a plain config dict: what the CLI and ``--config file.json`` use.

A config is a preset (:mod:`torch_gan_zoo.config.presets`) plus the run's choices::

    {"model": "sngan", "resolution": 32, "dataset": "cifar10", "data_root": "./data",
     "num_steps": 100000, "batch_size": 64, "n_dis": 5, "lr_decay": "linear", "loss_type": "hinge",
     "optG": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]}, "optD": {...},
     "model_kwargs": {"ngf": 256}, "trainer_kwargs": {}, "seed": 0, "log_dir": "./log/sngan",
     "regularizers": [{"name": "lecam", "weight": 0.3}], "augment": "color,translation,cutout"}

``regularizers`` (a list of regulariser configs, or a comma-separated string of names such as
``"r1,lecam"``) and ``augment`` (a DiffAugment policy string or config) compose with any model: they
are built and attached to the discriminator before training.
"""
import copy
import inspect
import json

import torch

from torch_gan_zoo.datasets import load_dataset
from torch_gan_zoo.losses import build_regularizer
from torch_gan_zoo.modules import build_augment
from torch_gan_zoo.nets import create_model, get_model_classes
from torch_gan_zoo.config.presets import get_preset
from torch_gan_zoo.training.trainer import Trainer
from torch_gan_zoo.utils.rng import seed_everything

__all__ = ["apply_overrides", "build_config", "build_optimizer", "build_regularizers", "attach_techniques", "run_config"]

_OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "rmsprop": torch.optim.RMSprop, "sgd": torch.optim.SGD}
_RUN_KEYS = {"model", "resolution", "dataset", "data_root", "split", "download", "num_steps", "batch_size", "n_dis",
             "lr_decay", "lr_decay_start", "loss_type", "optG", "optD", "model_kwargs", "trainer_kwargs", "dataset_kwargs", "seed",
             "log_dir", "device", "num_workers", "paper", "regularizers", "augment"}


def _parse_value(text):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def apply_overrides(config, overrides):
    """Apply ``["key=value", "optD.lr=1e-4", ...]`` to a (nested) config dict, in place.

    Values are parsed as JSON where possible (numbers, booleans, lists, null), else kept as strings.
    Dotted keys descend into nested dicts, creating them under ``model_kwargs``/``trainer_kwargs``.

    Raises:
        ValueError: An override without ``=``, or one descending into a non-dict value.

    Returns:
        dict: ``config``.
    """
    for item in overrides or []:
        if "=" not in item:
            raise ValueError(f"override {item!r} must look like key=value")
        key, _, text = item.partition("=")
        parts = key.strip().split(".")
        node = config
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ValueError(f"cannot set {key}: {part} is not a group of settings")
        node[parts[-1]] = _parse_value(text.strip())
    return config


def build_config(model, preset=True, config=None, overrides=None, **values):
    """Merge, in increasing priority: the model's preset, a config dict, keyword values, and
    ``key=value`` overrides. ``None`` keyword values are ignored.

    Raises:
        ValueError: Unknown top-level keys (the message lists the valid ones).
    """
    merged = get_preset(model) if preset else {}
    merged["model"] = model
    for source in (config or {}, {k: v for k, v in values.items() if v is not None}):
        for key, value in source.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = {**merged[key], **copy.deepcopy(value)}
            else:
                merged[key] = copy.deepcopy(value)
    apply_overrides(merged, overrides)
    unknown = sorted(set(merged) - _RUN_KEYS)
    if unknown:
        raise ValueError(f"unknown config key(s) {unknown}; valid keys: {sorted(_RUN_KEYS)}")
    return merged


def build_optimizer(params, settings):
    """An optimiser from ``{'name': 'adam', 'lr': ..., 'betas': [...], ...}``.

    Adam-family optimisers use the fused implementation where this torch build supports it on the
    parameters' device (same mathematics, fewer kernel launches).
    """
    settings = dict(settings)
    name = settings.pop("name", "adam").lower()
    if name not in _OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; available: {sorted(_OPTIMIZERS)}")
    if "betas" in settings:
        settings["betas"] = tuple(float(b) for b in settings["betas"])
    params = list(params)
    cls = _OPTIMIZERS[name]
    if "fused" in inspect.signature(cls).parameters and "fused" not in settings:
        try:
            return cls(params, fused=True, **settings)
        except (RuntimeError, ValueError):  # pragma: no cover - builds/devices without fused kernels
            pass
    return cls(params, **settings)


def build_regularizers(configs):
    """Regularisers from a config value: ``None``, a list of configs (dicts or names), one dict, or a
    comma-separated string of names (``"r1,lecam"``)."""
    if configs is None:
        return []
    if isinstance(configs, str):
        configs = [name.strip() for name in configs.split(",") if name.strip()]
    elif isinstance(configs, dict):
        configs = [configs]
    return [build_regularizer(c, build_augment=build_augment) for c in configs]


def attach_techniques(netD, config):
    """Attach the config's ``regularizers`` (with ``netD.add_regularizer``) and ``augment`` (DiffAugment)
    to ``netD``; returns ``netD``."""
    for regularizer in build_regularizers(config.get("regularizers")):
        netD.add_regularizer(regularizer)
    augment = build_augment(config.get("augment"))
    if augment is not None:
        netD.augment = augment
    return netD


def run_config(config, netG=None, netD=None):
    """Load the data, build the models and optimisers, and train as ``config`` says.

    Returns:
        dict: What :meth:`Trainer.train` returns, plus ``'trainer'``.
    """
    config = copy.deepcopy(config)
    seed = config.get("seed")
    if seed is not None:
        seed_everything(int(seed))
    dataset = load_dataset(config.get("data_root"), config["dataset"], split=config.get("split", "train"),
                           resolution=config.get("resolution"), download=config.get("download", False),
                           **config.get("dataset_kwargs", {}))
    resolution = dataset.resolution
    model_kwargs = dict(config.get("model_kwargs", {}))
    model_kwargs.setdefault("nc", dataset.channels)
    if config.get("loss_type"):
        model_kwargs.setdefault("loss_type", config["loss_type"])
    if netG is None or netD is None:
        generator_class = get_model_classes(config["model"], resolution)[0]
        if dataset.num_classes and "num_classes" in inspect.signature(generator_class).parameters:
            model_kwargs.setdefault("num_classes", dataset.num_classes)  # class-conditional models
        netG, netD = create_model(config["model"], resolution, **model_kwargs)
    attach_techniques(netD, config)
    if getattr(netG, "num_classes", None) and dataset.num_classes and netG.num_classes != dataset.num_classes:
        raise ValueError(f"the model has {netG.num_classes} classes but {dataset.name} has {dataset.num_classes}")
    device = config.get("device")
    if device is not None:
        netG.to(device)
        netD.to(device)
    optG = build_optimizer(netG.parameters(), config["optG"])
    optD = build_optimizer(netD.parameters(), config["optD"])
    trainer = Trainer(
        netD, netG, optD, optG, dataset, num_steps=int(config["num_steps"]), log_dir=config.get("log_dir", "./log"),
        n_dis=int(config.get("n_dis", 1)), lr_decay=config.get("lr_decay"),
        lr_decay_start=config.get("lr_decay_start", 0), device=device, seed=seed,
        batch_size=int(config["batch_size"]), num_workers=int(config.get("num_workers", 0)),
        extra_hparams={"model": config["model"], "dataset": config["dataset"], "resolution": resolution},
        **config.get("trainer_kwargs", {}),
    )
    result = trainer.train()
    result["trainer"] = trainer
    return result
