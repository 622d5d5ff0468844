"""Paper presets: each variant's published training recipe as plain JSON values.

A preset names the optimiser settings, ``n_dis``, batch size, step count, learning-rate schedule and
loss of the paper (or of Mimicry's reproduction, which matches it). The CLI trains with a preset by
default, and ``--set key=value`` overrides any field (``optD.lr=1e-4``, ``model_kwargs.ngf=128``).
"""
import copy
import json

__all__ = ["ADAM_DCGAN", "ADAM_SNGAN", "PRESETS", "get_preset", "list_presets", "apply_overrides", "register_preset"]

#: Adam settings shared by many presets.
ADAM_SNGAN = {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]}
ADAM_DCGAN = {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999]}

#: ``{model name: preset}``, filled by each variant package with :func:`register_preset`. Fields:
#: ``loss_type``, ``optG``/``optD`` (``name``, ``lr``, ``betas``, ``weight_decay``), ``n_dis``,
#: ``batch_size``, ``num_steps``, ``lr_decay``, ``model_kwargs`` (for ``create_model``),
#: ``trainer_kwargs`` (extra Trainer options, e.g. ``ema_decay``) and ``paper``.
PRESETS = {}

_REQUIRED = ("loss_type", "optG", "optD", "n_dis", "batch_size", "num_steps", "lr_decay")


def register_preset(name, preset):
    """Add or replace the preset of model ``name``.

    Raises:
        ValueError: A required field is missing. TypeError: the preset is not JSON-serialisable.
    """
    missing = [k for k in _REQUIRED if k not in preset]
    if missing:
        raise ValueError(f"preset {name!r} lacks {missing}")
    json.dumps(preset)
    PRESETS[name] = {"model_kwargs": {}, "trainer_kwargs": {}, **copy.deepcopy(preset)}


def list_presets():
    """Names of models with a preset, sorted."""
    return sorted(PRESETS)


def get_preset(name):
    """A deep copy of the preset of model ``name``.

    Raises:
        ValueError: No preset for ``name``; the message lists those that exist.
    """
    if name not in PRESETS:
        raise ValueError(f"no preset for model {name!r}; presets exist for: {', '.join(list_presets())}")
    return copy.deepcopy(PRESETS[name])


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
