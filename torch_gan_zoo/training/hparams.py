"""The JSON hyperparameter snapshot of a run (``log_dir/hparams.json``) and the resume check.

Keys under :data:`MUTABLE_KEYS` may change between a run and its resumption (extend ``num_steps``,
log more often, upgrade the library); every other key defines what the run *is*. A resume may still
change a key that defines the run when the caller allows it explicitly (``allow=['optG.lr']``, the
CLI's ``--allow-change optG.lr``); each such change is appended to the snapshot's ``history``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

import datetime
import json
import os
import platform
import re

import torch

from torch_gan_zoo._version import __version__
from torch_gan_zoo.utils.io import jsonable

__all__ = [
    "HyperparameterMismatchError",
    "MUTABLE_KEYS",
    "ADDED_KEYS",
    "ADDED_MODEL_KWARGS",
    "optimizer_hparams",
    "dataset_hparams",
    "versions",
    "diff_hparams",
    "load_hparams",
    "check_resume",
    "check_identity",
    "identity",
    "history_entry",
]

#: Top-level keys that do not block a resume. ``run_config`` (the resolved run configuration, also
#: ``log_dir/config.json``) and ``history`` (changes allowed on resume) are records, not identity.
MUTABLE_KEYS = ("num_steps", "logging", "versions", "runtime", "run_config", "history")

#: Top-level keys added after the first release, with the value that older snapshots implied.
#: A saved ``hparams.json`` without one of them is read as if it held this value.
ADDED_KEYS = {"lr_decay_start": 0}

#: Network constructor arguments added after the first release, with the value that older snapshots implied
#: (``DCGANGenerator(upsample=False, coord_conv=False, conv_width=1)``: the papers' transposed convolutions, no
#: coordinate channels, the papers' widths). A saved network record (``netG``/``netD``) without one of them is read
#: as if it held this value.
ADDED_MODEL_KWARGS = {"upsample": False, "coord_conv": False, "conv_width": 1}

# Optimiser options that choose an implementation, not the mathematics.
_IMPLEMENTATION_OPTIONS = {"params", "initial_lr", "foreach", "fused", "capturable", "differentiable"}


class HyperparameterMismatchError(ValueError):
    """Resuming into a ``log_dir`` whose saved hyperparameters differ; the message names each key."""


def optimizer_hparams(optimizer: torch.optim.Optimizer) -> dict[str, Any]:
    """``{'class': ..., 'param_groups': [...]}`` of ``optimizer``, with each group's initial learning rate."""
    groups = []
    for group in optimizer.param_groups:
        settings = {k: jsonable(v) for k, v in group.items() if k not in _IMPLEMENTATION_OPTIONS}
        settings["lr"] = float(group.get("initial_lr", group["lr"]))
        settings["num_params"] = sum(p.numel() for p in group["params"])
        groups.append(settings)
    cls = type(optimizer)
    return {"class": f"{cls.__module__}.{cls.__qualname__}", "param_groups": groups}


def dataset_hparams(dataset: Any) -> dict[str, Any]:
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


def versions() -> dict[str, str]:
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


def diff_hparams(saved: Mapping[str, Any], current: Mapping[str, Any],
                 ignore: Collection[str] = MUTABLE_KEYS) -> list[tuple[str, Any, Any]]:
    """Keys whose values differ between two snapshots, as ``[(dotted_key, saved, current)]``.

    Top-level keys in ``ignore`` are skipped. A key missing on one side shows as ``'<missing>'``,
    except keys of :data:`ADDED_KEYS` missing from ``saved`` (an older snapshot), which take their default, and
    likewise network arguments of :data:`ADDED_MODEL_KWARGS` missing from a saved ``netG``/``netD`` record.
    """
    missing = "<missing>"
    saved = {**{k: v for k, v in ADDED_KEYS.items() if k in current}, **saved}
    for role in ("netG", "netD"):
        old, new = saved.get(role), current.get(role)
        if isinstance(old, Mapping) and isinstance(old.get("kwargs"), Mapping) and isinstance(new, Mapping) \
                and isinstance(new.get("kwargs"), Mapping):
            implied = {k: v for k, v in ADDED_MODEL_KWARGS.items() if k in new["kwargs"] and k not in old["kwargs"]}
            if implied:
                saved = {**saved, role: {**old, "kwargs": {**old["kwargs"], **implied}}}
    a = _flatten({k: v for k, v in saved.items() if k not in ignore})
    b = _flatten({k: v for k, v in json.loads(json.dumps(current)).items() if k not in ignore})
    return [(k, a.get(k, missing), b.get(k, missing)) for k in sorted(set(a) | set(b))
            if a.get(k, missing) != b.get(k, missing)]


def load_hparams(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a snapshot written by the Trainer.

    Raises:
        HyperparameterMismatchError: The file exists but is not valid JSON, not a JSON object, or its
            ``history`` is not a list (a resume can't be checked).
    """
    try:
        with open(path, encoding="utf-8") as f:
            saved = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HyperparameterMismatchError(
            f"{path} is not valid JSON ({exc}); cannot check that resuming is safe. Restore the file or "
            "use a new log_dir."
        ) from exc
    if not isinstance(saved, dict) or not isinstance(saved.get("history", []), list):
        what = "a JSON object" if not isinstance(saved, dict) else "a list under 'history'"
        raise HyperparameterMismatchError(
            f"{path} does not hold {what} (it holds {json.dumps(saved)[:80]}); cannot check that resuming is "
            "safe. Restore the file or use a new log_dir."
        )
    return saved


def identity(hparams: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a snapshot that defines the run (every key but :data:`MUTABLE_KEYS`), as fresh JSON values.

    The Trainer stores it inside each checkpoint, so a run directory that lost its ``hparams.json`` can
    still be checked before resuming.
    """
    return json.loads(json.dumps({k: v for k, v in hparams.items() if k not in MUTABLE_KEYS}))


# Names a user may give to --allow-change, and the snapshot keys they stand for.
_ALLOW_ALIASES = {"schedule.n_dis": "n_dis", "schedule.lr_decay": "lr_decay",
                  "schedule.lr_decay_start": "lr_decay_start",
                  "trainer.batch_size": "batch_size", "trainer.seed": "seed", "trainer.amp": "amp",
                  "trainer.amp_dtype": "amp", "trainer.ema_decay": "ema", "trainer.ema_start": "ema"}
_GROUP_INDEX = re.compile(r"\.param_groups\.\d+")


def _allow_forms(key):
    key = key.strip()
    forms = {key, _ALLOW_ALIASES.get(key, key)}
    for prefix in ("model.kwargs.", "model_kwargs."):
        if key.startswith(prefix):
            rest = key[len(prefix):]
            forms |= {f"netG.kwargs.{rest}", f"netD.kwargs.{rest}"}
    if key == "regularizers":  # the run configuration's field: D's regularisers and G's (mode seeking)
        forms |= {"netG.regularizers", "netD.regularizers"}
    if key in ("model.loss_type", "loss_type"):
        forms |= {"netG.loss_type", "netD.loss_type", "netG.kwargs.loss_type", "netD.kwargs.loss_type"}
    return forms


def _is_allowed(diff_key, allow):
    plain = _GROUP_INDEX.sub("", diff_key)  # optG.param_groups.0.lr -> optG.lr
    for key in allow or ():
        for form in _allow_forms(key):
            if form in (diff_key, plain) or diff_key.startswith(form + ".") or plain.startswith(form + "."):
                return True
    return False


def check_identity(saved: Mapping[str, Any], current: Mapping[str, Any], allow: Iterable[str] = (),
                   where: str = "the run directory") -> list[tuple[str, Any, Any]]:
    """Compare a saved snapshot (or a checkpoint's :func:`identity`) with the current one.

    Args:
        allow (sequence of str): Keys that may differ, e.g. ``'optG.lr'`` (every parameter group's
            learning rate of the generator's optimiser), ``'n_dis'``, ``'model_kwargs.ngf'`` or any
            dotted snapshot key.

    Returns:
        list: The allowed differences, ``[(dotted_key, saved, current)]`` (empty when nothing changed).

    Raises:
        HyperparameterMismatchError: A difference that ``allow`` does not cover; the message names each.
    """
    differences = diff_hparams(saved, current)
    refused = [d for d in differences if not _is_allowed(d[0], allow)]
    if refused:
        lines = "\n".join(f"  {key}: saved {old!r}, now {new!r}" for key, old, new in refused)
        raise HyperparameterMismatchError(
            f"refusing to resume: {where} holds a run with different hyperparameters "
            f"({len(refused)} differing key(s)):\n{lines}\n"
            "Use a new log_dir, or restore the original settings. Extending num_steps (and changing logging "
            "intervals) is allowed; to change a setting of this run on purpose (e.g. a lower learning rate after "
            "a NaN), allow it explicitly: --allow-change KEY on the command line, Trainer(allow_changes=[KEY]) "
            "in Python. Allowed changes are recorded in hparams.json's history."
        )
    return differences


def history_entry(step: int, changes: Any) -> dict[str, Any]:
    """One ``history`` record of ``hparams.json``: the step, the UTC time and the allowed changes."""
    return {"step": int(step), "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "changes": [{"key": key, "saved": old, "now": new} for key, old, new in changes]}


def check_resume(path: str | os.PathLike[str], current: Mapping[str, Any],
                 allow: Iterable[str] = ()) -> list[tuple[str, Any, Any]]:
    """Raise :class:`HyperparameterMismatchError` naming every differing key if ``path`` (an existing
    ``hparams.json``) describes a different run than ``current``, except the keys in ``allow``.
    No file is modified.

    Returns:
        list: The allowed differences (empty if there is no file or nothing changed).
    """
    if not os.path.exists(path):
        return []
    return check_identity(load_hparams(path), current, allow, where=os.path.dirname(path) or ".")
