"""The run configuration: one typed, nested description of a training run.

:class:`RunConfig` is the single source of truth for what the ``torch-gan-zoo train`` command, a
``--config`` JSON file, ``--set key=value`` and :func:`torch_gan_zoo.training.recipe.run_config` mean.
A configuration is built in layers, each overriding the one before::

    the model's paper preset (config/presets.py)  <  --config file  <  command-line flags  <  --set key=value

and then type-checked once (:meth:`RunConfig.from_dict`). The nested JSON form (``RunConfig.to_dict``)
is what every run writes to ``log_dir/config.json``; feeding that file back with ``--config`` re-runs
the run exactly. The flat keys of earlier releases (``num_steps``, ``n_dis``, ``model_kwargs``,
``trainer_kwargs``, ...) are accepted everywhere and mapped onto the nested fields (:data:`FLAT_KEYS`).

Each section is its own dataclass instance: no two settings share an object, so ``--set optD.lr=1e-3``
cannot change ``optG``.
"""
from __future__ import annotations

import copy
import dataclasses
import json
import os
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Optional, Union

from torch_gan_zoo.config.validation import ConfigError, coerce, suggest, type_name

__all__ = [
    "ModelConfig", "DataConfig", "OptimizerConfig", "ScheduleConfig", "TrainerConfig", "LoggingConfig",
    "CheckpointConfig", "EvaluationConfig", "RunConfig", "FLAT_KEYS", "TRAINER_KWARGS", "EXPORT_OPTIONS",
    "resolve_key", "parse_override", "to_nested", "merge", "config_keys", "key_table", "key_table_rst", "cli_flags",
    "flag_const",
]


def _field(default: Any = dataclasses.MISSING, *, help: str, minimum: Optional[float] = None,
           factory: Any = dataclasses.MISSING, flag: Optional[str] = None, normalise: Any = None,
           length: Optional[int] = None, positive: bool = False, flag_const: Optional[str] = None) -> Any:
    """A dataclass field with its help text, bounds (``minimum``; ``positive``: > 0), list ``length``,
    CLI flag (``flag_const``: the value the flag means when given without one) and value normaliser."""
    metadata = {"help": help, "minimum": minimum, "flag": flag, "normalise": normalise, "length": length,
                "positive": positive, "flag_const": flag_const}
    if factory is not dataclasses.MISSING:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def _none_string(value: Any) -> Any:
    """``'none'``/``'null'`` (any case) as ``None``: how a command line spells "no value"."""
    return None if isinstance(value, str) and value.lower() in ("none", "null") else value


#: Options of ``logging.export_pretrained`` given as a JSON object (keyword arguments of
#: :func:`torch_gan_zoo.zoo.export_run`), and the keys of its ``stats`` and ``card`` objects.
EXPORT_OPTIONS: dict[str, Any] = {
    "out_folder": "folder to write (default: log_dir/pretrained)",
    "use_ema": "export the EMA generator (default: when the run keeps one)",
    "stats": ("num_batches", "batch_size", "seed"),
    "include_discriminator": "also store the discriminator",
    "dtype": ("float32", "float16", "bfloat16"),
    "card": ("name", "description", "dataset", "license", "command", "fid"),
    "overwrite": "replace an existing pretrained folder",
}

_EXPORT_KEY = "logging.export_pretrained"


def _known_keys(key: str, data: dict[str, Any], valid: Any) -> None:
    """Refuse a key of ``data`` outside ``valid``, naming it with the closest valid one."""
    for name in data:
        if name not in valid:
            dotted = [f"{key}.{v}" for v in valid]
            raise ConfigError(f"unknown config key {key + '.' + str(name)!r}{suggest(f'{key}.{name}', dotted)}; "
                              f"valid keys: {', '.join(dotted)}")


def _export_spec(value: Any) -> Any:
    """``logging.export_pretrained`` checked: ``true``/``false`` (also as text, as ``--set`` gives them), a
    folder, or an object of :data:`EXPORT_OPTIONS` (unknown keys refused with the closest valid name)."""
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if value is None:
        return False
    if isinstance(value, str):
        if value.strip().lower() in ("true", "false", "none", "null"):
            return value.strip().lower() == "true"
        if not value.strip():
            raise ConfigError(f"{_EXPORT_KEY} must be true, false, a folder or an object of export options, got ''")
        return value
    if not isinstance(value, dict):
        return value  # the type check names the key and what it must be
    _known_keys(_EXPORT_KEY, value, EXPORT_OPTIONS)
    value = dict(value)
    for name in ("use_ema", "include_discriminator", "overwrite"):
        if name in value:
            value[name] = coerce(f"{_EXPORT_KEY}.{name}", value[name], Optional[bool] if name == "use_ema" else bool)
    if "out_folder" in value:
        folder = value["out_folder"]
        value["out_folder"] = coerce(f"{_EXPORT_KEY}.out_folder", os.fspath(folder) if isinstance(
            folder, os.PathLike) else folder, Optional[str])
    if value.get("stats") is not None:
        stats = coerce(f"{_EXPORT_KEY}.stats", value["stats"], dict)
        _known_keys(f"{_EXPORT_KEY}.stats", stats, EXPORT_OPTIONS["stats"])
        for name, item in stats.items():
            stats[name] = coerce(f"{_EXPORT_KEY}.stats.{name}", item, int, 0 if name == "seed" else 1)
        value["stats"] = stats
    if value.get("dtype") is not None:
        value["dtype"] = coerce(f"{_EXPORT_KEY}.dtype", str(value["dtype"]).replace("torch.", ""),
                                Literal[EXPORT_OPTIONS["dtype"]])
    if value.get("card") is not None:
        card = coerce(f"{_EXPORT_KEY}.card", value["card"], dict)
        _known_keys(f"{_EXPORT_KEY}.card", card, EXPORT_OPTIONS["card"])
        value["card"] = card
    return value


class _Section:
    """Shared behaviour of the configuration sections: typed construction from and to plain JSON."""

    @classmethod
    def from_dict(cls, data: dict[str, Any], prefix: str = "") -> Any:
        """A section from a JSON object, every value type-checked.

        Raises:
            ConfigError: Unknown key (closest valid name suggested) or a value of the wrong type.
        """
        prefix = prefix or getattr(cls, "_key", "")
        if not isinstance(data, dict):
            raise ConfigError(f"{prefix or 'the configuration'} must be a JSON object, got {data!r}")
        hints = typing.get_type_hints(cls)
        names = [f.name for f in dataclasses.fields(cls)]
        values = {}
        for key, value in data.items():
            if key not in names:
                dotted = [f"{prefix}.{n}" if prefix else n for n in names]
                raise ConfigError(f"unknown config key {_join(prefix, key)!r}"
                                  f"{suggest(_join(prefix, key), dotted)}; valid keys: {', '.join(dotted)}")
            info = next(f for f in dataclasses.fields(cls) if f.name == key).metadata
            if info.get("normalise"):
                value = info["normalise"](value)
            tp = hints[key]
            if isinstance(tp, type) and issubclass(tp, _Section):
                values[key] = tp.from_dict(value, _join(prefix, key))
            else:
                values[key] = _check(_join(prefix, key), value, tp, info)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        """The section as plain JSON values (fresh objects)."""
        return json.loads(json.dumps(dataclasses.asdict(self)))

    def __post_init__(self) -> None:
        # Defaults are validated too, and a caller's objects are never shared: copy every dict/list.
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, _Section):
                continue
            if f.metadata.get("normalise"):
                value = f.metadata["normalise"](value)
            object.__setattr__(self, f.name, _check(_join(getattr(self, "_key", ""), f.name), value, hints[f.name],
                                                    f.metadata))


def _check(key: str, value: Any, tp: Any, info: Any) -> Any:
    """``value`` type-checked (:func:`coerce`) and checked against the field's bounds and length."""
    value = coerce(key, value, tp, info.get("minimum"))
    if value is not None and info.get("length") is not None and len(value) != info["length"]:
        raise ConfigError(f"{key} must be a list of {info['length']} numbers, got {value!r}")
    if value is not None and info.get("positive") and value <= 0:
        raise ConfigError(f"{key} must be a positive number, got {value!r}")
    return value


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


@dataclass
class ModelConfig(_Section):
    """What to train: a registered model, or a user's own pair named ``package.module:Name``."""

    _key = "model"
    name: Optional[str] = _field(None, flag="--model", help=(
        "registered model name (see `torch-gan-zoo models`), or package.module:factory (a callable returning "
        "(netG, netD)), or package.module:Generator,package.module:Discriminator"))
    resolution: Optional[int] = _field(None, minimum=1, flag="--resolution",
                                       help="image size in pixels (default: the dataset's)")
    loss_type: Optional[str] = _field(None, help="adversarial loss: ns, hinge, wasserstein, ls, ... (default: the "
                                                 "model's)")
    kwargs: dict = _field(factory=dict, help="constructor arguments of both networks (ngf, ndf, g_kwargs, ...)")


@dataclass
class DataConfig(_Section):
    """The training data (:func:`torch_gan_zoo.datasets.load_dataset`)."""

    _key = "data"
    dataset: Optional[str] = _field(None, flag="--dataset",
                                    help="shapes, cifar10, stl10, fashion_mnist, imagefolder, ...")
    root: Optional[str] = _field(None, flag="--data-root", help="folder holding the dataset")
    split: str = _field("train", help="dataset split to train on")
    download: bool = _field(False, flag="--download", help="let torchvision download the dataset")
    num_workers: int = _field(0, minimum=0, flag="--num-workers", help="data-loader worker processes")
    kwargs: dict = _field(factory=dict, help="more arguments of load_dataset (num_images, ...)")


@dataclass
class OptimizerConfig(_Section):
    """One optimiser; options left ``null`` take torch's defaults."""

    name: str = _field("adam", help="adam, adamw, rmsprop or sgd")
    lr: float = _field(2e-4, minimum=0, help="learning rate")
    betas: Optional[list[float]] = _field(None, length=2, help="Adam's (beta1, beta2)")
    eps: Optional[float] = _field(None, minimum=0, help="Adam's epsilon")
    weight_decay: Optional[float] = _field(None, minimum=0, help="weight decay")
    momentum: Optional[float] = _field(None, minimum=0, help="SGD/RMSprop momentum")
    kwargs: dict = _field(factory=dict, help="any other argument of the optimiser class")

    def optimizer_settings(self) -> dict[str, Any]:
        """``{'name': ..., 'lr': ..., ...}`` without unset options: what ``build_optimizer`` takes."""
        settings = {k: v for k, v in self.to_dict().items() if v is not None and k != "kwargs"}
        return {**settings, **copy.deepcopy(self.kwargs)}


@dataclass
class ScheduleConfig(_Section):
    """How long to train and how the learning rate moves."""

    _key = "schedule"
    num_steps: int = _field(100000, minimum=1, flag="--steps", help="generator steps (the run ends at this step)")
    n_dis: int = _field(1, minimum=1, flag="--n-dis", help="discriminator steps per generator step")
    lr_decay: Optional[Literal["linear"]] = _field(None, flag="--lr-decay", normalise=_none_string,
                                                   help="learning-rate schedule: none or linear (to 0 at num_steps)")
    lr_decay_start: int = _field(0, minimum=0, help="generator step where the linear decay begins")


@dataclass
class TrainerConfig(_Section):
    """How the Trainer runs: batch, seed, device, precision, EMA, parallelism, time budget."""

    _key = "trainer"
    batch_size: Optional[int] = _field(None, minimum=1, flag="--batch-size",
                                       help="images per batch (per process under DDP); a run's default is 64")
    seed: Optional[int] = _field(None, minimum=0, flag="--seed", help="seed for weights, noise and data order")
    device: Optional[str] = _field(None, flag="--device", help="cpu, cuda, cuda:1, ... (default: cuda if available)")
    amp: bool = _field(False, help="mixed precision (fp16 + GradScaler on CUDA, bf16 on CPU)")
    amp_dtype: Optional[Literal["float16", "fp16", "bfloat16", "bf16"]] = _field(None, help="force the amp dtype")
    ema_decay: Optional[float] = _field(None, minimum=0, help="keep an EMA of G's weights with this decay")
    ema_start: int = _field(0, minimum=0, help="step from which the EMA averages")
    distributed: Optional[bool] = _field(None, help="null: DDP when launched by torchrun; true: require; false: never")
    sync_bn: bool = _field(False, help="SyncBatchNorm under DDP on CUDA")
    channels_last: bool = _field(False, help="channels-last memory format")
    compile: Union[bool, dict] = _field(False, help="torch.compile both networks (a dict: its arguments)")
    time_limit: Optional[float] = _field(None, positive=True,
                                         help="stop cleanly after this many seconds; running again resumes")


@dataclass
class LoggingConfig(_Section):
    """Where the run's files go and how often it logs."""

    _key = "logging"
    log_dir: str = _field("./log", flag="--log-dir",
                          help="where config.json, hparams.json, checkpoints, logs and samples go")
    print_steps: int = _field(1, minimum=1, help="refresh the progress bar every this many steps")
    log_steps: int = _field(50, minimum=1, help="write averaged scalars every this many steps")
    vis_steps: int = _field(500, minimum=1, help="write sample grids every this many steps")
    num_vis_images: int = _field(64, minimum=1, help="images per sample grid")
    progress: bool = _field(True, help="show a progress bar")
    flush_secs: float = _field(30.0, minimum=0, help="TensorBoard flush interval in seconds")
    export_pretrained: Union[bool, str, dict] = _field(
        False, flag="--export-pretrained", flag_const="true", normalise=_export_spec,
        help="at the end, write the evaluated generator (EMA with standing batch-norm statistics, if kept) as a "
             "pretrained folder: true (log_dir/pretrained), a folder, or an object of zoo.export_run options "
             "(out_folder, use_ema, stats, include_discriminator, dtype, card, overwrite)")


@dataclass
class CheckpointConfig(_Section):
    """Checkpointing: how often, how many to keep, and optional starting files (Mimicry's arguments)."""

    _key = "checkpointing"
    save_steps: int = _field(5000, minimum=1, help="checkpoint every this many steps (and at the end)")
    keep_checkpoints: Optional[int] = _field(5, minimum=1, help="complete checkpoints to keep (null: all)")
    netG_ckpt_file: Optional[str] = _field(None, help="start from this generator checkpoint")
    netD_ckpt_file: Optional[str] = _field(None, help="start from this discriminator checkpoint")


@dataclass
class EvaluationConfig(_Section):
    """Metrics during training; an empty ``metrics`` list turns evaluation off."""

    _key = "evaluation"
    metrics: list[Literal["fid", "is", "kid", "prdc"]] = _field(factory=list, help="fid, is, kid, prdc (empty: off)")
    select: Optional[Literal["fid", "kid", "is", "precision", "recall", "density", "coverage"]] = _field(
        None, normalise=_none_string, help="keep the best checkpoint by this result (fid, kid: lower is better; "
                                           "is, precision, recall, density, coverage: higher); default: the "
                                           "first metric's")
    every: int = _field(5000, minimum=1, help="evaluate every this many steps (and at the end)")
    num_samples: int = _field(10000, minimum=2, help="generated images per evaluation")
    num_real_samples: Optional[int] = _field(None, minimum=1, help="reference images (default: all)")
    batch_size: int = _field(50, minimum=1, help="images per generated chunk and Inception batch")
    seed: int = _field(0, minimum=0, help="seed of the generated images")
    use_ema: bool = _field(True, help="evaluate the EMA generator when there is one")
    real: Optional[str] = _field(None, help="reference images: a dataset name, folder or statistics file "
                                            "(default: the training dataset, test split, from data.root)")
    options: dict = _field(factory=dict, help="metric options (split, protocol, inception_weights, ...)")


@dataclass
class RunConfig(_Section):
    """A whole training run. Build one with :meth:`from_dict` (flat or nested keys) or :meth:`build`."""

    model: ModelConfig = field(default_factory=ModelConfig, metadata={"help": "the networks"})
    data: DataConfig = field(default_factory=DataConfig, metadata={"help": "the training data"})
    optG: OptimizerConfig = field(default_factory=OptimizerConfig, metadata={"help": "the generator's optimiser"})
    optD: OptimizerConfig = field(default_factory=OptimizerConfig, metadata={"help": "the discriminator's optimiser"})
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig, metadata={"help": "steps and LR schedule"})
    trainer: TrainerConfig = field(default_factory=lambda: TrainerConfig(batch_size=64),
                                   metadata={"help": "how the Trainer runs"})
    logging: LoggingConfig = field(default_factory=LoggingConfig, metadata={"help": "files and intervals"})
    checkpointing: CheckpointConfig = field(default_factory=CheckpointConfig, metadata={"help": "checkpoints"})
    evaluation: EvaluationConfig = field(default_factory=EvaluationConfig, metadata={"help": "metrics"})
    regularizers: Any = _field(None, help="regularisers: a list of configs or names, or 'r1,lecam' "
                                          "('mode_seeking' acts on G)")
    augment: Any = _field(None, help="DiffAugment policy ('color,translation,cutout') or its config")
    paper: Optional[str] = _field(None, help="where the preset's numbers come from (informational)")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # sections passed in are copied: the config owns its objects
            value = getattr(self, f.name)
            if isinstance(value, _Section):
                setattr(self, f.name, copy.deepcopy(value))
        super().__post_init__()

    @classmethod
    def from_dict(cls, data: dict[str, Any], prefix: str = "") -> "RunConfig":
        """A run configuration from a JSON object with nested keys, the flat keys of earlier releases, or both.

        Raises:
            ConfigError: Unknown key (closest valid name suggested) or a value of the wrong type.
        """
        return super().from_dict(merge(_DEFAULTS, to_nested(data)))

    @classmethod
    def build(cls, layers: list[dict[str, Any]], overrides: Optional[list[str]] = None) -> "RunConfig":
        """Merge ``layers`` (flat or nested dicts, later ones win; dicts merge, other values replace),
        apply ``key=value`` ``overrides``, and type-check the result once."""
        merged: dict[str, Any] = {}
        for layer in layers:
            merged = merge(merged, to_nested(layer))
        for item in overrides or []:
            path, value = parse_override(item)
            _set_path(merged, path, value)
        return cls.from_dict(merged)

    def to_flat(self) -> dict[str, Any]:
        """The flat dict of earlier releases (what ``build_config`` returns): ``model``, ``num_steps``,
        ``optG``, ``model_kwargs``, ``trainer_kwargs`` (only options that differ from the defaults), ..."""
        nested = self.to_dict()
        flat: dict[str, Any] = {}
        for key, path in FLAT_KEYS.items():
            flat[key] = _get_path(nested, path)
        flat["optG"], flat["optD"] = self.optG.optimizer_settings(), self.optD.optimizer_settings()
        defaults = RunConfig().to_dict()
        flat["trainer_kwargs"] = {k: _get_path(nested, p) for k, p in TRAINER_KWARGS.items()
                                  if _get_path(nested, p) != _get_path(defaults, p)}
        if self.evaluation.metrics:
            flat["evaluation"] = nested["evaluation"]
        return flat


#: Flat keys of earlier releases -> their place in the nested configuration.
FLAT_KEYS: dict[str, tuple[str, ...]] = {
    "model": ("model", "name"), "resolution": ("model", "resolution"), "loss_type": ("model", "loss_type"),
    "model_kwargs": ("model", "kwargs"), "dataset": ("data", "dataset"), "data_root": ("data", "root"),
    "split": ("data", "split"), "download": ("data", "download"), "num_workers": ("data", "num_workers"),
    "dataset_kwargs": ("data", "kwargs"), "num_steps": ("schedule", "num_steps"), "n_dis": ("schedule", "n_dis"),
    "lr_decay": ("schedule", "lr_decay"), "lr_decay_start": ("schedule", "lr_decay_start"),
    "batch_size": ("trainer", "batch_size"), "seed": ("trainer", "seed"), "device": ("trainer", "device"),
    "log_dir": ("logging", "log_dir"), "regularizers": ("regularizers",), "augment": ("augment",),
    "paper": ("paper",), "optG": ("optG",), "optD": ("optD",),
}

#: Keys of the flat ``trainer_kwargs`` (the Trainer's keyword arguments) -> their nested place.
TRAINER_KWARGS: dict[str, tuple[str, str]] = {
    **{k: ("logging", k) for k in ("print_steps", "log_steps", "vis_steps", "num_vis_images", "progress",
                                   "flush_secs", "export_pretrained")},
    **{k: ("checkpointing", k) for k in ("save_steps", "keep_checkpoints", "netG_ckpt_file", "netD_ckpt_file")},
    **{k: ("trainer", k) for k in ("amp", "amp_dtype", "ema_decay", "ema_start", "distributed", "sync_bn",
                                   "channels_last", "compile", "time_limit")},
}

_DEFAULTS = RunConfig().to_dict()
_SECTIONS = {f.name: f.type for f in dataclasses.fields(RunConfig)}
_SECTION_CLASSES = {name: tp for name, tp in typing.get_type_hints(RunConfig).items()
                    if isinstance(tp, type) and issubclass(tp, _Section)}
_FREE_DICTS = {("model", "kwargs"), ("data", "kwargs"), ("optG", "kwargs"), ("optD", "kwargs"),
               ("evaluation", "options"), ("trainer", "compile"), ("logging", "export_pretrained")}


def config_keys() -> list[str]:
    """Every valid dotted key of the nested configuration, plus the flat aliases."""
    keys = []
    for name in _SECTIONS:
        if name in _SECTION_CLASSES:
            keys += [f"{name}.{f.name}" for f in dataclasses.fields(_SECTION_CLASSES[name])]
        else:
            keys.append(name)
    return keys + [k for k in FLAT_KEYS if k not in keys] + ["trainer_kwargs." + k for k in TRAINER_KWARGS]


def resolve_key(key: str) -> tuple[str, ...]:
    """The nested path of a dotted ``key`` (nested, or a flat alias such as ``n_dis`` or ``model_kwargs.ngf``).

    Raises:
        ConfigError: Unknown key; the message suggests the closest valid one.
    """
    parts = tuple(p for p in key.strip().split("."))
    if not all(parts):
        raise ConfigError(f"malformed configuration key {key!r}")
    head, rest = parts[0], parts[1:]
    if head == "trainer_kwargs" and len(rest) == 1 and rest[0] in TRAINER_KWARGS:
        return TRAINER_KWARGS[rest[0]]
    if head in FLAT_KEYS and not (head in _SECTION_CLASSES and rest):
        path = FLAT_KEYS[head] + rest
    else:
        path = parts
    _check_path(path, key)
    return path


def _check_path(path: tuple[str, ...], key: str) -> None:
    head = path[0]
    ok = head in _SECTIONS
    if ok and head in _SECTION_CLASSES:
        names = {f.name for f in dataclasses.fields(_SECTION_CLASSES[head])}
        ok = len(path) == 1 or (path[1] in names and (len(path) == 2 or tuple(path[:2]) in _FREE_DICTS))
    elif ok:
        ok = len(path) == 1
    if not ok:
        raise ConfigError(f"unknown config key {key!r}{suggest(key, config_keys())}")


def _field_type(path: tuple[str, ...]) -> Any:
    if path[0] in _SECTION_CLASSES and len(path) == 2:
        return typing.get_type_hints(_SECTION_CLASSES[path[0]])[path[1]]
    if len(path) == 1 and path[0] not in _SECTION_CLASSES:
        return typing.get_type_hints(RunConfig)[path[0]]
    return Any


def _accepts_str(tp: Any) -> bool:
    if tp is str:
        return True
    return any(_accepts_str(a) for a in typing.get_args(tp)) if typing.get_origin(tp) in (Union,) else False


def _accepts_json(tp: Any, value: Any) -> bool:
    """Whether a ``Union`` that takes text also takes ``value`` as parsed (``true`` or an object)."""
    args = typing.get_args(tp) if typing.get_origin(tp) is Union else (tp,)
    return (isinstance(value, bool) and bool in args) or (isinstance(value, dict) and dict in args)


def parse_override(item: str) -> tuple[tuple[str, ...], Any]:
    """``'optD.lr=1e-4'`` as ``(('optD', 'lr'), 0.0001)``: the value parsed as JSON where it is JSON,
    else kept as text; a key whose type is a string keeps the raw text (``model=123`` stays ``'123'``).

    Raises:
        ConfigError: No ``=`` or an unknown key.
    """
    if "=" not in item:
        raise ConfigError(f"override {item!r} must look like key=value")
    key, _, text = item.partition("=")
    path = resolve_key(key)
    text = text.strip()
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = text
    tp = _field_type(path)
    if _accepts_str(tp) and value is not None and not isinstance(value, str) and not _accepts_json(tp, value):
        value = text
    return path, value


def _get_path(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for part in path:
        data = data[part]
    return copy.deepcopy(data)


def _set_path(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for i, part in enumerate(path[:-1]):
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        if not isinstance(child, dict):
            raise ConfigError(f"cannot set {'.'.join(path)}: {'.'.join(path[:i + 1])} is {child!r}, not a group")
        node = child
    node[path[-1]] = copy.deepcopy(value)


def merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """A fresh dict: ``update`` deep-merged onto ``base`` (dicts merge key by key; anything else replaces)."""
    result = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def to_nested(data: dict[str, Any]) -> dict[str, Any]:
    """A (partial) config with flat keys of earlier releases rewritten to nested ones; nothing type-checked.

    Raises:
        ConfigError: ``data`` is not a JSON object, or a key is unknown (closest valid name suggested).
    """
    if not isinstance(data, dict):
        raise ConfigError(f"a configuration must be a JSON object, got {type(data).__name__}")
    nested: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str):
            raise ConfigError(f"configuration keys must be strings, got {key!r}")
        if key == "trainer_kwargs":
            if not isinstance(value, dict):
                raise ConfigError(f"trainer_kwargs must be a JSON object, got {value!r}")
            for name, item in value.items():
                if name in FLAT_KEYS and FLAT_KEYS[name][0] == "trainer":  # batch_size, seed, device
                    _set_path(nested, FLAT_KEYS[name], item)
                elif name in TRAINER_KWARGS:
                    _set_path(nested, TRAINER_KWARGS[name], item)
                else:
                    raise ConfigError(f"unknown config key 'trainer_kwargs.{name}'"
                                      f"{suggest('trainer_kwargs.' + name, config_keys())}")
            continue
        if key in _SECTION_CLASSES and isinstance(value, dict):
            nested = merge(nested, {key: value})
            continue
        if key in FLAT_KEYS:
            _set_path(nested, FLAT_KEYS[key], value)
            continue
        if key in _SECTIONS:
            nested[key] = copy.deepcopy(value)
            continue
        raise ConfigError(f"unknown config key {key!r}{suggest(key, config_keys())}; "
                          f"sections: {', '.join(_SECTIONS)}")
    return nested


def cli_flags() -> list[tuple[str, str, str, bool]]:
    """``(flag, dotted key, help, is_switch)`` of every setting with a command-line flag (``--steps``, ...).

    The CLI adds these options from this list, passes their values on as text, and the configuration
    type-checks them like any other value (``--n-dis 1.5`` is refused, ``--lr-decay none`` means no decay).
    """
    flags = []
    for name, section in _SECTION_CLASSES.items():
        hints = typing.get_type_hints(section)
        for f in dataclasses.fields(section):
            if f.metadata.get("flag"):
                flags.append((f.metadata["flag"], f"{name}.{f.name}", f.metadata["help"], hints[f.name] is bool))
    return flags


def flag_const(key: str) -> Optional[str]:
    """The value a setting's flag means when given without one (``--export-pretrained`` alone: ``'true'``),
    or ``None`` when its flag always takes a value (or is a switch)."""
    head, _, name = key.partition(".")
    section = _SECTION_CLASSES.get(head)
    fields = {f.name: f for f in dataclasses.fields(section)} if section else {}
    return fields[name].metadata.get("flag_const") if name in fields else None


def key_table() -> list[tuple[str, str, str, str, str]]:
    """``(key, flat alias, type, default, help)`` for every setting: the documentation's key table."""
    aliases = {path: key for key, path in FLAT_KEYS.items()}
    aliases.update({path: f"trainer_kwargs.{key}" for key, path in TRAINER_KWARGS.items()})
    rows = []
    defaults = RunConfig().to_dict()
    for name, tp in typing.get_type_hints(RunConfig).items():
        if name in _SECTION_CLASSES:
            for f in dataclasses.fields(_SECTION_CLASSES[name]):
                path = (name, f.name)
                default = defaults[name][f.name]
                ftype = typing.get_type_hints(_SECTION_CLASSES[name])[f.name]
                rows.append((".".join(path), aliases.get(path, ""), type_name(ftype), json.dumps(default),
                             f.metadata["help"]))
        else:
            f = next(x for x in dataclasses.fields(RunConfig) if x.name == name)
            rows.append((name, "", type_name(tp), json.dumps(defaults[name]), f.metadata["help"]))
    return rows


def key_table_rst() -> str:
    """:func:`key_table` as a reStructuredText list-table (the one in ``docs/training.rst``, checked by a test)."""
    def literal(text: str) -> str:
        return f"``{text}``" if text else ""

    lines = [".. list-table::", "   :header-rows: 1", "   :widths: 22 20 18 10 40", "",
             "   * - Key", "     - Flat key", "     - Type", "     - Default", "     - Meaning"]
    for key, alias, tp, default, text in key_table():
        text = text.replace("`", "``").replace("````", "``")
        lines += [f"   * - {literal(key)}", f"     - {literal(alias)}", f"     - {tp}", f"     - {literal(default)}",
                  f"     - {text}"]
    return "\n".join(lines)
