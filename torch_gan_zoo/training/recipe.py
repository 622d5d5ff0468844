"""Training from a run configuration: what the CLI and ``--config file.json`` use.

A run is described by a :class:`~torch_gan_zoo.config.RunConfig` (nested, typed). :func:`build_run_config`
layers the model's paper preset (:mod:`torch_gan_zoo.config.presets`), a config dict (a ``--config``
file), keyword values and ``key=value`` overrides, and type-checks the result once. :func:`run_config`
trains it and writes the resolved configuration to ``log_dir/config.json``.

The flat dicts of earlier releases are still accepted everywhere (and :func:`build_config` still
returns one)::

    {"model": "sngan", "resolution": 32, "dataset": "cifar10", "data_root": "./data",
     "num_steps": 100000, "batch_size": 64, "n_dis": 5, "lr_decay": "linear", "loss_type": "hinge",
     "optG": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]}, "optD": {...},
     "model_kwargs": {"ngf": 256}, "trainer_kwargs": {}, "seed": 0, "log_dir": "./log/sngan",
     "regularizers": [{"name": "lecam", "weight": 0.3}], "augment": "color,translation,cutout"}

``regularizers`` (a list of regulariser configs, or a comma-separated string of names such as
``"r1,lecam"``) and ``augment`` (a DiffAugment policy string or config) compose with any model: they
are built and attached to the discriminator before training (the generator-side ``mode_seeking``
regulariser to the generator).

Models: a registered name (``"sngan"``), or a user's own pair as ``"package.module:factory"`` (a callable
returning ``(netG, netD)``) or ``"package.module:Generator,package.module:Discriminator"``. Such a name
imports a module, so :func:`run_config` imports it only when the caller allows it (``allow_import=True``;
the CLI allows exactly the name typed after ``--model``): a config file alone never imports code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from torch_gan_zoo.config.run import ModelConfig

import copy
import importlib
import inspect
import json

import torch

from torch_gan_zoo.config.named_presets import get_named_preset
from torch_gan_zoo.config.presets import get_preset
from torch_gan_zoo.config.run import RunConfig, merge, parse_override, to_nested
from torch_gan_zoo.datasets import load_dataset
from torch_gan_zoo.losses import build_regularizer
from torch_gan_zoo.modules import build_augment
from torch_gan_zoo.nets import create_model, get_model_classes
from torch_gan_zoo.nets.gan import BaseDiscriminator, BaseGenerator
from torch_gan_zoo.training.evaluation import Evaluator
from torch_gan_zoo.training.trainer import Trainer
from torch_gan_zoo.utils.rng import seed_everything

__all__ = ["apply_overrides", "build_config", "build_run_config", "build_optimizer", "build_regularizers",
           "attach_techniques", "build_models", "run_config"]

_OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "rmsprop": torch.optim.RMSprop,
               "sgd": torch.optim.SGD}


def _parse_value(text):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def apply_overrides(config: dict[str, Any], overrides: Iterable[str] | None) -> dict[str, Any]:
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


def _peek_model(layers, overrides):
    """The model name the layers and overrides end with (what the preset must come from)."""
    merged = {}
    for layer in layers:
        merged = merge(merged, to_nested(layer))
    for item in overrides or []:
        path, value = parse_override(item)
        if path == ("model", "name") or (path == ("model",) and isinstance(value, str)):
            merged = merge(merged, {"model": {"name": value}})
    return (merged.get("model") or {}).get("name")


def build_run_config(model: str | None = None, config: Mapping[str, Any] | None = None,
                     overrides: Iterable[str] | None = None, preset: bool = True, named_preset: str | None = None,
                     **values: Any) -> RunConfig:
    """A :class:`~torch_gan_zoo.config.RunConfig` from, in increasing priority: the model's paper preset,
    the ``named_preset`` (:mod:`torch_gan_zoo.config.named_presets`, e.g. ``'dcgan_fashion_mnist_1h'``),
    ``config`` (a dict with flat or nested keys, e.g. a ``--config`` file or a run's ``config.json``),
    ``model`` and the keyword ``values`` (flat keys; ``None`` values are ignored), and ``key=value``
    ``overrides``. The paper preset is the one of the model these layers end with.

    Raises:
        ConfigError: Unknown key (closest valid name suggested) or a value of the wrong type.
        ValueError: No model named, a registered model without a preset (while ``preset=True``), an unknown
            named preset, or a model other than the named preset's.
    """
    given = {k: v for k, v in values.items() if v is not None}
    if model is not None:
        given["model"] = model
    layers = [config or {}, given]
    if named_preset is not None:
        recipe = get_named_preset(named_preset)["config"]
        chosen = _peek_model(layers, overrides)
        if chosen is not None and chosen != recipe["model"]:
            raise ValueError(f"named preset {named_preset!r} trains model {recipe['model']!r}, not {chosen!r}; "
                             "drop the model setting or choose another preset (torch-gan-zoo models lists them)")
        layers.insert(0, recipe)
    name = _peek_model(layers, overrides)
    if name is None:
        raise ValueError("no model: name one (--model NAME, or \"model\" in the config)")
    base = get_preset(name) if preset and ":" not in name else {}  # a user's module:Name has no preset
    return RunConfig.build([base, *layers], overrides)


def build_config(model: str | None, preset: bool = True, config: Mapping[str, Any] | None = None,
                 overrides: Iterable[str] | None = None, named_preset: str | None = None,
                 **values: Any) -> dict[str, Any]:
    """Like :func:`build_run_config`, returned as the flat dict of earlier releases (``model``, ``num_steps``,
    ``optG``, ``model_kwargs``, ``trainer_kwargs``, ...), which :func:`run_config` also accepts.

    Raises:
        ConfigError: Unknown key (closest valid name suggested) or a value of the wrong type.
    """
    return build_run_config(model, config=config, overrides=overrides, preset=preset, named_preset=named_preset,
                            **values).to_flat()


def build_optimizer(params: Iterable[Any], settings: Mapping[str, Any]) -> torch.optim.Optimizer:
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


def build_regularizers(configs: Any) -> list[Any]:
    """Regularisers from a config value: ``None``, a list of configs (dicts or names), one dict, or a
    comma-separated string of names (``"r1,lecam"``)."""
    if configs is None:
        return []
    if isinstance(configs, str):
        configs = [name.strip() for name in configs.split(",") if name.strip()]
    elif isinstance(configs, dict):
        configs = [configs]
    return [build_regularizer(c, build_augment=build_augment) for c in configs]


def attach_techniques(netD: BaseDiscriminator, config: Mapping[str, Any],
                      netG: BaseGenerator | None = None) -> BaseDiscriminator:
    """Attach the config's ``regularizers`` and ``augment`` (DiffAugment) to ``netD``; returns ``netD``.

    Discriminator regularisers go to ``netD.add_regularizer``; generator-side ones (``mode_seeking``,
    ``applies_to == 'generator'``) to ``netG.add_regularizer``.

    Raises:
        ValueError: A generator regulariser but no ``netG``, or a ``netG`` that cannot take it (not a
            :class:`~torch_gan_zoo.nets.BaseGenerator`).
    """
    for regularizer in build_regularizers(config.get("regularizers")):
        if getattr(regularizer, "applies_to", "discriminator") == "generator":
            if netG is None:
                raise ValueError(f"the regularizer {regularizer.name!r} acts on the generator: pass netG")
            if not isinstance(netG, BaseGenerator):
                raise ValueError(f"the regularizer {regularizer.name!r} needs a torch_gan_zoo BaseGenerator (its "
                                 f"train step pairs the generated images), got {type(netG).__name__}")
            netG.add_regularizer(regularizer)
        else:
            netD.add_regularizer(regularizer)
    augment = build_augment(config.get("augment"))
    if augment is not None:
        netD.augment = augment
    return netD


def _accepted(fn):
    """``(names fn accepts by keyword, whether it takes **kwargs)``, following ``**kwargs`` up a class's MRO."""
    names, var = set(), False
    targets = [k.__dict__["__init__"] for k in fn.__mro__ if "__init__" in k.__dict__] if inspect.isclass(fn) else [fn]
    for target in targets:
        params = list(inspect.signature(target).parameters.values())
        if inspect.isclass(fn):
            params = params[1:]  # self
        names.update(p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        var = any(p.kind is p.VAR_KEYWORD for p in params)
        if not var:
            break
    return names, var


def _import_object(spec):
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"model {spec!r} must look like package.module:Name")
    try:
        obj = importlib.import_module(module_name.strip())
    except ImportError as exc:
        raise ValueError(f"model {spec!r}: cannot import module {module_name!r} ({exc})") from exc
    for part in attribute.strip().split("."):
        if not hasattr(obj, part):
            raise ValueError(f"model {spec!r}: module {module_name!r} has no {attribute!r}")
        obj = getattr(obj, part)
    return obj


def _check_pair(spec, pair):
    if not (isinstance(pair, tuple) and len(pair) == 2):
        raise TypeError(f"model {spec!r} must return (netG, netD), got {type(pair).__name__}")
    netG, netD = pair
    if not isinstance(netG, BaseGenerator) or not isinstance(netD, BaseDiscriminator):
        raise TypeError(f"model {spec!r} must return (BaseGenerator, BaseDiscriminator), got "
                        f"({type(netG).__name__}, {type(netD).__name__})")
    return netG, netD


def _build_user_models(spec, resolution, kwargs, derived):
    """The pair of a ``module:factory`` or ``module:G,module:D`` spec; ``derived`` (nc, loss_type, num_classes
    from the data and config) is passed only where accepted, ``kwargs`` (the user's) always."""
    names = [part.strip() for part in spec.split(",")]
    if len(names) == 2:
        classes = [_import_object(n) for n in names]
        G, D = classes
        if not (inspect.isclass(G) and issubclass(G, BaseGenerator) and inspect.isclass(D)
                and issubclass(D, BaseDiscriminator)):
            raise TypeError(f"model {spec!r} must name a BaseGenerator subclass, then a BaseDiscriminator subclass")
        g_kw, d_kw = dict(kwargs.pop("g_kwargs", {}) or {}), dict(kwargs.pop("d_kwargs", {}) or {})
        (g_names, g_var), (d_names, d_var) = _accepted(G), _accepted(D)
        unknown = [k for k in kwargs if k not in g_names and k not in d_names and not (g_var or d_var)]
        if unknown:
            raise TypeError(f"{spec}: unexpected argument(s) {unknown}; generator accepts {sorted(g_names)}, "
                            f"discriminator accepts {sorted(d_names)}")
        for key, value in {**derived, **kwargs}.items():
            explicit = key in kwargs
            if key in g_names or (explicit and g_var and key not in d_names):
                g_kw.setdefault(key, value)
            if key in d_names or (explicit and d_var and key not in g_names):
                d_kw.setdefault(key, value)
        return G(**g_kw), D(**d_kw)
    if len(names) != 1:
        raise ValueError(f"model {spec!r}: name one factory (module:make_pair) or two classes (module:G,module:D)")
    factory = _import_object(names[0])
    if inspect.isclass(factory) and issubclass(factory, BaseGenerator):
        raise TypeError(f"model {spec!r} names a generator class only; name its discriminator too: "
                        f"--model {spec},package.module:Discriminator")
    if not callable(factory):
        raise TypeError(f"model {spec!r} is not callable: name a factory returning (netG, netD)")
    accepted, var = _accepted(factory)
    extra = {k: v for k, v in {"resolution": resolution, **derived}.items() if var or k in accepted}
    return _check_pair(spec, factory(**{**extra, **kwargs}))


def build_models(model: ModelConfig, dataset: Any,
                 allow_import: bool = False) -> tuple[BaseGenerator, BaseDiscriminator]:
    """``(netG, netD)`` of a :class:`~torch_gan_zoo.config.ModelConfig` for ``dataset`` (its channels and,
    for class-conditional models, its number of classes fill in ``nc`` and ``num_classes``).

    Raises:
        ValueError: A ``module:Name`` model while ``allow_import`` is False (no module is imported); an
            unknown model. TypeError: Unknown model, a factory that does not return a pair, unknown arguments.
    """
    if not model.name:
        raise ValueError("no model: name one (--model NAME, or \"model\" in the config)")
    kwargs = copy.deepcopy(model.kwargs)
    derived = {"nc": dataset.channels}
    if model.loss_type:
        derived["loss_type"] = model.loss_type
    resolution = model.resolution or dataset.resolution
    if ":" in model.name:
        if not allow_import:
            raise ValueError(
                f"model {model.name!r} names a Python module to import; a configuration file cannot make "
                f"torch-gan-zoo import code. Pass it on the command line (--model {model.name}) or, from Python, "
                "run_config(..., allow_import=True); or register the model (nets.register_generator/"
                "register_discriminator) and use its name")
        if dataset.num_classes:
            derived["num_classes"] = dataset.num_classes
        return _build_user_models(model.name, resolution, kwargs, derived)
    for key, value in derived.items():
        kwargs.setdefault(key, value)
    generator_class = get_model_classes(model.name, resolution)[0]
    if dataset.num_classes and "num_classes" in inspect.signature(generator_class).parameters:
        kwargs.setdefault("num_classes", dataset.num_classes)  # class-conditional models
    return tuple(create_model(model.name, resolution, **kwargs))


def _build_evaluator(config):
    evaluation = config.evaluation
    if not evaluation.metrics:
        return None
    options = dict(evaluation.options)
    real = evaluation.real
    if real is None:  # the training dataset's test split, from the same root
        real = config.data.dataset
        options.setdefault("root", config.data.root)
        options.setdefault("split", "test")
    return Evaluator(real, metrics=evaluation.metrics, every=evaluation.every, num_samples=evaluation.num_samples,
                     num_real_samples=evaluation.num_real_samples, batch_size=evaluation.batch_size,
                     seed=evaluation.seed, use_ema=evaluation.use_ema, select=evaluation.select,
                     **options)


def run_config(config: RunConfig | Mapping[str, Any], netG: BaseGenerator | None = None,
               netD: BaseDiscriminator | None = None, allow_import: bool = False,
               allow_changes: Iterable[str] = ()) -> dict[str, Any]:
    """Load the data, build the models and optimisers, and train as ``config`` says.

    Args:
        config (RunConfig or dict): A run configuration, or a dict with flat or nested keys (type-checked).
        netG, netD (optional): Networks to train instead of building ``config.model``.
        allow_import (bool): Let a ``package.module:Name`` model import its module.
        allow_changes (sequence of str): Settings a resume may change (see :class:`Trainer`).

    Returns:
        dict: What :meth:`Trainer.train` returns, plus ``'trainer'`` and ``'config'`` (the resolved
        :class:`RunConfig`, also written to ``log_dir/config.json``).
    """
    config = copy.deepcopy(config) if isinstance(config, RunConfig) else RunConfig.from_dict(config)
    seed = config.trainer.seed
    if seed is not None:
        seed_everything(seed)
    data = config.data
    if data.dataset is None:
        raise ValueError("no dataset: name one (--dataset NAME, or \"dataset\" in the config)")
    dataset = load_dataset(data.root, data.dataset, split=data.split, resolution=config.model.resolution,
                           download=data.download, **data.kwargs)
    resolution = dataset.resolution
    config.model.resolution = resolution  # resolved: config.json re-runs at the same size
    if netG is None or netD is None:
        netG, netD = build_models(config.model, dataset, allow_import=allow_import)
    attach_techniques(netD, {"regularizers": config.regularizers, "augment": config.augment}, netG=netG)
    if getattr(netG, "num_classes", None) and dataset.num_classes and netG.num_classes != dataset.num_classes:
        raise ValueError(f"the model has {netG.num_classes} classes but {dataset.name} has {dataset.num_classes}")
    device = config.trainer.device
    if device is not None:
        netG.to(device)
        netD.to(device)
    optG = build_optimizer(netG.parameters(), config.optG.optimizer_settings())
    optD = build_optimizer(netD.parameters(), config.optD.optimizer_settings())
    trainer = Trainer(
        netD, netG, optD, optG, dataset, schedule=config.schedule, logging=config.logging,
        checkpointing=config.checkpointing, options=config.trainer, num_workers=data.num_workers,
        evaluator=_build_evaluator(config), run_config=config.to_dict(), allow_changes=allow_changes,
        extra_hparams={"model": config.model.name, "dataset": data.dataset, "resolution": resolution},
    )
    result = trainer.train()
    result["trainer"] = trainer
    result["config"] = config
    return result
