"""The best checkpoint of a run: the step whose in-training evaluation scored best.

The Trainer scores its generator with an :class:`~torch_gan_zoo.training.Evaluator` every ``every``
steps; after each evaluation whose selected result (``Evaluator.select``: ``fid`` by default) is finite
and better than the best so far, it saves a full checkpoint of that step under
``log_dir/checkpoints/best`` (layout in :mod:`torch_gan_zoo.training.checkpoint`). Rotation
(``keep_checkpoints``) never touches it, and a crash while a new best is written leaves the previous
one usable: the new step is written into a fresh folder, then ``best.json`` is switched to it
atomically, and only then is the previous folder deleted.
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from typing import Any

import torch
import torch.nn as nn

from torch_gan_zoo.training.checkpoint import CheckpointManager, WarningQueue
from torch_gan_zoo.utils.io import CheckpointError, atomic_write_json, fsync_dir, is_temp_file

__all__ = ["BestCheckpoint", "improves", "check_record", "best_of", "BEST_MODES"]

#: How a selected value compares: lower is better (``'min'``) or higher is better (``'max'``).
BEST_MODES = ("min", "max")
POINTER_NAME = "best.json"
POINTER_FORMAT = 1
_FOLDER = re.compile(r"^step_(\d+)_[0-9a-f]{8}$")


def improves(value: Any, best: Mapping[str, Any] | None, mode: str) -> bool:
    """Whether ``value`` is a finite number better than ``best['value']`` (``None``: no best yet) under ``mode``.

    NaN and infinite values never improve; an equal value does not either (the earlier step stays best).
    """
    if mode not in BEST_MODES:
        raise ValueError(f"mode must be one of {BEST_MODES}, got {mode!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    if best is None:
        return True
    return value < best["value"] if mode == "min" else value > best["value"]


def best_of(records: Iterable[Mapping[str, Any] | None],
            select: tuple[str, str] | None = None) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The best of ``records`` (``{'step', 'metric', 'value', 'mode'}`` or ``None``), and those left out.

    Args:
        select: ``(metric, mode)`` the run selects by now: records selected otherwise are left out (their
            values are not comparable). ``None``: keep those of the first record's metric.

    Returns:
        tuple: ``(best or None, [records of another metric or mode])``; of equal values the first wins.
    """
    records = [check_record(r, "a best-checkpoint record") for r in records if r is not None]
    if select is None and records:
        select = (records[0]["metric"], records[0]["mode"])
    kept = [r for r in records if (r["metric"], r["mode"]) == select]
    best = None
    for record in kept:
        if best is None or improves(record["value"], best, record["mode"]):
            best = record
    return best, [r for r in records if (r["metric"], r["mode"]) != select]


def check_record(record: Any, where: str) -> dict[str, Any]:
    """``record`` checked as ``{'step': int, 'metric': str, 'value': finite float, 'mode': 'min'|'max'}``.

    Raises:
        CheckpointError: A missing key or a value of the wrong type (named, with ``where``).
    """
    if not isinstance(record, Mapping):
        raise CheckpointError(f"{where} does not hold a best-checkpoint record (a JSON object), got {record!r}")
    step, metric, value, mode = (record.get(k) for k in ("step", "metric", "value", "mode"))
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise CheckpointError(f"{where}: 'step' must be a non-negative int, got {step!r}")
    if not isinstance(metric, str) or mode not in BEST_MODES:
        raise CheckpointError(f"{where}: 'metric' must be a name and 'mode' one of {BEST_MODES}, "
                              f"got {metric!r} and {mode!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CheckpointError(f"{where}: 'value' must be a finite number, got {value!r}")
    return {"step": step, "metric": metric, "value": float(value), "mode": mode}


class BestCheckpoint(WarningQueue):
    """Writes, finds and loads the best checkpoint of the run in ``log_dir`` (``log_dir/checkpoints/best``).

    Its files are those of :class:`~torch_gan_zoo.training.checkpoint.CheckpointManager` (a manager
    rooted at the best step's folder writes and verifies them), pointed to by ``best.json``:
    ``{'format', 'step', 'metric', 'value', 'mode', 'folder'}``.

    Args:
        log_dir (str): The run's directory.
    """

    def __init__(self, log_dir: str | os.PathLike[str]) -> None:
        self.log_dir = os.fspath(log_dir)
        self.root = os.path.join(self.log_dir, "checkpoints", "best")
        self.pointer_path = os.path.join(self.root, POINTER_NAME)
        #: Warnings since the last :meth:`pop_messages` (the Trainer copies them into ``train.log``).
        self.messages: list[str] = []

    def manager(self, folder: str) -> CheckpointManager:
        """The checkpoint manager of one best folder (``step_<step>_<token>``; never rotates)."""
        if not _FOLDER.match(folder):
            raise CheckpointError(f"{folder!r} is not a best-checkpoint folder name (step_<step>_<8 hex digits>)")
        return CheckpointManager(self.log_dir, keep_last=None, root=os.path.join(self.root, folder))

    def read(self) -> dict[str, Any] | None:
        """The pointer ``best.json`` (``{'step', 'metric', 'value', 'mode', 'folder'}``), or ``None`` if there is none.

        Raises:
            CheckpointError: The file is unreadable or malformed (names the file and the problem).
        """
        if not os.path.exists(self.pointer_path):
            return None
        try:
            with open(self.pointer_path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError) as exc:
            raise CheckpointError(f"{self.pointer_path} is unreadable: {exc}") from exc
        record = check_record(data, self.pointer_path)
        folder = data.get("folder")
        if not isinstance(folder, str) or not _FOLDER.match(folder) or int(_FOLDER.match(folder).group(1)) \
                != record["step"]:
            raise CheckpointError(f"{self.pointer_path}: 'folder' must name the step's folder "
                                  f"(step_{record['step']}_<8 hex digits>), got {folder!r}")
        return {**record, "folder": folder}

    def resolve(self) -> tuple[CheckpointManager, int, dict[str, Any]]:
        """``(manager, step, pointer)`` of the best checkpoint, its files verified against their checksums.

        Raises:
            CheckpointError: No best checkpoint, an unreadable pointer, or files that are missing or changed.
        """
        pointer = self.read()
        if pointer is None:
            raise CheckpointError(f"{self.log_dir} has no best checkpoint ({self.pointer_path} is missing): it is "
                                  "kept only by runs that evaluate during training (an Evaluator / evaluation.metrics)")
        manager, step = self.manager(pointer["folder"]), pointer["step"]
        if step not in manager.complete_steps():
            raise CheckpointError(f"the best checkpoint of step {step} in {manager.root} is incomplete")
        if not manager.verify(step):
            raise CheckpointError(f"the best checkpoint of step {step} in {manager.root} has no checksum record")
        return manager, step, pointer

    def save(self, record: Mapping[str, Any], netG: nn.Module, netD: nn.Module, optG: torch.optim.Optimizer,
             optD: torch.optim.Optimizer, trainer_state: dict[str, Any],
             netG_ema: nn.Module | None = None) -> dict[str, Any]:
        """Make the step of ``record`` (``{'step', 'metric', 'value', 'mode'}``) the best checkpoint.

        The files go into a fresh folder (as :meth:`CheckpointManager.save` writes a step), then
        ``best.json`` is replaced atomically, then the previous best folder is deleted. If writing fails,
        the new folder is removed, the error is raised and the previous best is untouched.

        Returns:
            dict: The new pointer (``{'step', 'metric', 'value', 'mode', 'folder'}``).
        """
        record = check_record(record, "the best-checkpoint record")
        step = record["step"]
        os.makedirs(self.root, exist_ok=True)
        folder = f"step_{step}_{os.urandom(4).hex()}"  # os.urandom: no training RNG is drawn from
        manager = self.manager(folder)
        try:
            manager.save(step, netG, netD, optG, optD, trainer_state, netG_ema=netG_ema)
            fsync_dir(manager.root)  # the new folder's entries are on disk before the pointer names it
            fsync_dir(self.root)
            pointer = {"format": POINTER_FORMAT, **record, "folder": folder}
            atomic_write_json(self.pointer_path, pointer)
        except BaseException:
            shutil.rmtree(manager.root, ignore_errors=True)
            raise
        self.remove_leftovers(keep=folder)
        return {k: v for k, v in pointer.items() if k != "format"}

    def remove_leftovers(self, keep: str | None = None) -> list[str]:
        """Delete best folders that ``best.json`` does not name (left by a save that was killed before
        switching, or replaced by a newer best) and temporary files of ``best.json``.

        Nothing is deleted while ``best.json`` exists but cannot be read (a message is queued instead).

        Args:
            keep: The folder to keep (default: the one ``best.json`` names).

        Returns:
            list: The removed paths.
        """
        if not os.path.isdir(self.root):
            return []
        if keep is None:
            try:
                pointer = self.read()
            except CheckpointError as exc:
                self._warn(f"keeping every best-checkpoint folder: {exc}")
                return []
            keep = None if pointer is None else pointer["folder"]
        removed = []
        for name in sorted(os.listdir(self.root)):
            path = os.path.join(self.root, name)
            if (_FOLDER.match(name) and name != keep and os.path.isdir(path)) or (
                    is_temp_file(name) and name.startswith("." + POINTER_NAME) and os.path.isfile(path)):
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
                removed.append(path)
        return removed
