"""The JSON hyperparameter snapshot of a run (``log_dir/hparams.json``) and the resume check.

Keys under :data:`MUTABLE_KEYS` may change between a run and its resumption (extend ``num_steps``,
log more often, upgrade the library); every other key defines what the run *is*.
"""
import json
import os
import platform

import torch

from torch_gan_zoo._version import __version__
from torch_gan_zoo.nets.basemodel import jsonable

__all__ = [
    "HyperparameterMismatchError",
    "MUTABLE_KEYS",
    "ADDED_KEYS",
    "optimizer_hparams",
    "dataset_hparams",
    "versions",
    "diff_hparams",
    "load_hparams",
]

#: Top-level keys that do not block a resume.
MUTABLE_KEYS = ("num_steps", "logging", "versions", "runtime")

#: Top-level keys added after the first release, with the value that older snapshots implied.
#: A saved ``hparams.json`` without one of them is read as if it held this value.
ADDED_KEYS = {"lr_decay_start": 0}

# Optimiser options that choose an implementation, not the mathematics.
_IMPLEMENTATION_OPTIONS = {"params", "initial_lr", "foreach", "fused", "capturable", "differentiable"}


class HyperparameterMismatchError(ValueError):
    """Resuming into a ``log_dir`` whose saved hyperparameters differ; the message names each key."""


def optimizer_hparams(optimizer):
    """``{'class': ..., 'param_groups': [...]}`` of ``optimizer``, with each group's initial learning rate."""
    groups = []
    for group in optimizer.param_groups:
        settings = {k: jsonable(v) for k, v in group.items() if k not in _IMPLEMENTATION_OPTIONS}
        settings["lr"] = float(group.get("initial_lr", group["lr"]))
        settings["num_params"] = sum(p.numel() for p in group["params"])
        groups.append(settings)
    cls = type(optimizer)
    return {"class": f"{cls.__module__}.{cls.__qualname__}", "param_groups": groups}


def dataset_hparams(dataset):
    """What identifies the training data: its class, size and, for library datasets, its description."""
    info = {"class": type(dataset).__name__}
    try:
        info["size"] = len(dataset)
    except TypeError:  # IterableDataset without __len__
        info["size"] = None
    describe = getattr(dataset, "describe", None)
    if callable(describe):
        info.update(jsonable(describe()))
    return info


def versions():
    """Library, torch and Python versions (informational; never blocks a resume)."""
    return {"torch_gan_zoo": __version__, "torch": torch.__version__, "python": platform.python_version()}


def _flatten(obj, prefix=""):
    if isinstance(obj, dict):
        items = {}
        for key, value in obj.items():
            items.update(_flatten(value, f"{prefix}{key}."))
        return items or {prefix[:-1]: {}}
    if isinstance(obj, list) and obj and any(isinstance(v, (dict, list)) for v in obj):
        items = {}
        for i, value in enumerate(obj):
            items.update(_flatten(value, f"{prefix}{i}."))
        return items
    return {prefix[:-1]: obj}


def diff_hparams(saved, current, ignore=MUTABLE_KEYS):
    """Keys whose values differ between two snapshots, as ``[(dotted_key, saved, current)]``.

    Top-level keys in ``ignore`` are skipped. A key missing on one side shows as ``'<missing>'``,
    except keys of :data:`ADDED_KEYS` missing from ``saved`` (an older snapshot), which take their default.
    """
    missing = "<missing>"
    saved = {**{k: v for k, v in ADDED_KEYS.items() if k in current}, **saved}
    a = _flatten({k: v for k, v in saved.items() if k not in ignore})
    b = _flatten({k: v for k, v in json.loads(json.dumps(current)).items() if k not in ignore})
    return [(k, a.get(k, missing), b.get(k, missing)) for k in sorted(set(a) | set(b)) if a.get(k, missing) != b.get(k, missing)]


def load_hparams(path):
    """Read a snapshot written by the Trainer.

    Raises:
        HyperparameterMismatchError: The file exists but is not valid JSON (a resume can't be checked).
    """
    try:
        with open(path, encoding="utf-8") as f:
            snapshot = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HyperparameterMismatchError(
            f"{path} is not valid JSON ({exc}); cannot check that resuming is safe. Restore the file or "
            "use a new log_dir."
        ) from exc
    if not isinstance(snapshot, dict):  # issue 14: null, [], "text", 3 -> a named error, not a TypeError
        raise HyperparameterMismatchError(
            f"{path} holds {type(snapshot).__name__} {json.dumps(snapshot)[:80]}, not a JSON object of settings; "
            "cannot check that resuming is safe. Restore the file or use a new log_dir."
        )
    return snapshot


def check_resume(path, current):
    """Raise :class:`HyperparameterMismatchError` naming every differing key if ``path`` (an existing
    ``hparams.json``) describes a different run than ``current``. No file is modified."""
    if not os.path.exists(path):
        return
    differences = diff_hparams(load_hparams(path), current)
    if differences:
        lines = "\n".join(f"  {key}: saved {old!r}, now {new!r}" for key, old, new in differences)
        raise HyperparameterMismatchError(
            f"refusing to resume: {os.path.dirname(path) or '.'} holds a run with different hyperparameters "
            f"({len(differences)} differing key(s)):\n{lines}\n"
            "Use a new log_dir, or restore the original settings. Extending num_steps (and changing logging "
            "intervals) is allowed."
        )
