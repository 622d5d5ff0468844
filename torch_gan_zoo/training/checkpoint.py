"""Checkpoint files of a training run: saving, verifying, rotating, loading, cleaning up.

Layout under ``log_dir/checkpoints``::

    netG/netG_<step>_steps.pth      generator weights + optimiser (BaseModel.save_checkpoint)
    netD/netD_<step>_steps.pth      discriminator weights + optimiser
    netG_ema/netG_ema_<step>_steps.pth  the EMA generator, when the run keeps one (loadable on its own
                                        with ``BaseModel.from_checkpoint``)
    checksums/checksums_<step>_steps.json  SHA-256 and size of every file of the step
    trainer/trainer_<step>_steps.pth  schedulers, RNG states, data position, scalers, EMA, fixed noise

Files are written in that order, each atomically (temporary file, fsync, rename, directory fsync);
the trainer file comes last, so a step counts as complete only when the netG, netD and trainer files
all exist. Before a step is loaded, every file listed in its checksum record is verified: a file
changed after it was written (disk corruption, a stray edit) makes the step unusable and the previous
complete step is used instead, with a warning. A save that fails (disk full, ...) removes what it
had written of its step; the files of a save that was killed are removed by :meth:`remove_leftovers`
on the next start. Old steps are deleted only after a newer one is complete.

The best checkpoint (:mod:`torch_gan_zoo.training.best_checkpoint`: the step whose in-training evaluation
scored best on the evaluator's ``select`` metric) lives apart, where rotation never reaches it::

    best/best.json                   {"step", "metric", "value", "mode", "folder"}: which folder is the best
    best/<folder>/netG/..., netD/..., netG_ema/..., checksums/..., trainer/...
                                     one full step in the layout above (``<folder>`` is
                                     ``step_<step>_<token>``, a fresh name per save)

A new best is written into a new folder (by a :class:`CheckpointManager` rooted there, so with the same
files, order and checksums), then ``best.json`` is replaced atomically, then the previous folder is
deleted: a crash at any point leaves ``best.json`` naming a complete, verified folder. Folders that
``best.json`` does not name are leftovers of an interrupted save and are removed on the next save or start.
"""

from __future__ import annotations

from typing import Any
import torch
import torch.nn as nn

import json
import os
import re
import warnings

from torch_gan_zoo.config.validation import check_positive_int
from torch_gan_zoo.nets.basemodel import checkpoint_name
from torch_gan_zoo.utils.io import (
    CheckpointError,
    atomic_write_json,
    fsync_dir,
    is_temp_file,
    load_torch_file,
    save_torch_file,
    sha256_file,
)

__all__ = ["CheckpointManager"]

_STEP = re.compile(r"_(\d+)_steps\.(?:pth|json)$")
PARTS = ("netG", "netD", "trainer")
#: Every folder the manager writes to (the order in which one step's files are deleted).
ALL_PARTS = ("trainer", "checksums", "netG", "netD", "netG_ema")
#: The order in which rotation deletes one step's files: the trainer file first (the step stops counting at
#: once), the checksum record last, so that a step whose deletion was killed still has the record that marks
#: its remaining files as this library's (:meth:`CheckpointManager.remove_leftovers` finishes the deletion).
DELETE_ORDER = ("trainer", "netG", "netD", "netG_ema", "checksums")
CHECKSUM_FORMAT = 1
#: Files of the run directory and its images folder whose interrupted atomic writes are cleaned up.
_RUN_FILES = re.compile(r"^(hparams\.json|metrics\.jsonl)$")
_IMAGE_FILES = re.compile(r"^(fixed|random)_samples_step_\d+\.png$")


class WarningQueue:
    """Warnings (``RuntimeWarning``) also kept in :attr:`messages` until :meth:`pop_messages`, so that the
    Trainer can copy them into ``train.log``. Subclasses set ``self.messages = []``."""

    messages: list[str]

    def pop_messages(self) -> list[str]:
        """Return and forget the messages collected since the last call."""
        messages, self.messages = self.messages, []
        return messages

    def _warn(self, message):
        self.messages.append(message)
        warnings.warn(message, RuntimeWarning, stacklevel=3)


class CheckpointManager(WarningQueue):
    """Saves, verifies, finds, rotates, loads and cleans up the checkpoints of one run.

    Args:
        log_dir (str): The run's directory.
        keep_last (int or None): How many complete checkpoints to keep (``None``: all).
        root (str, optional): The folder holding the parts (default ``log_dir/checkpoints``); the
            best checkpoint's manager is rooted at its own folder.
    """

    def __init__(self, log_dir: str | os.PathLike[str], keep_last: int | None = 5,
                 root: str | os.PathLike[str] | None = None) -> None:
        check_positive_int("keep_last", keep_last, allow_none=True)
        self.log_dir = os.fspath(log_dir)
        self.root = os.path.join(self.log_dir, "checkpoints") if root is None else os.fspath(root)
        self.keep_last = keep_last
        #: Messages about skipped (corrupt) checkpoints and removed leftovers since the last
        #: :meth:`pop_messages`; the Trainer copies them into ``train.log``.
        self.messages = []

    def directory(self, part: str) -> str:
        """Folder of ``part`` (``'netG'``, ``'netD'``, ``'netG_ema'``, ``'checksums'`` or ``'trainer'``)."""
        return os.path.join(self.root, part)

    def path(self, part: str, step: int) -> str:
        """File of ``part`` at ``step``."""
        directory = self.directory(part)
        name = checkpoint_name(directory, step)
        if part == "checksums":
            name = name[: -len(".pth")] + ".json"
        return os.path.join(directory, name)

    def _steps(self, part):
        directory = self.directory(part)
        if not os.path.isdir(directory):
            return set()
        return {int(m.group(1)) for f in os.listdir(directory) if not is_temp_file(f) and (m := _STEP.search(f))}

    def complete_steps(self) -> list[int]:
        """Steps for which G, D and trainer files all exist, ascending."""
        steps = [self._steps(part) for part in PARTS]
        return sorted(set.intersection(*steps)) if steps else []

    def has_checkpoints(self) -> bool:
        """Whether any file of any part exists (complete or not)."""
        return any(self._steps(part) for part in ALL_PARTS)

    # ------------------------------------------------------------------ saving
    def save(self, step: int, netG: nn.Module, netD: nn.Module, optG: torch.optim.Optimizer,
             optD: torch.optim.Optimizer, trainer_state: dict[str, Any],
             netG_ema: nn.Module | None = None) -> dict[str, str]:
        """Write the files for ``step`` (checksums, then the trainer file last), then delete the
        oldest complete steps beyond ``keep_last``.

        If writing fails (e.g. :class:`~torch_gan_zoo.utils.io.DiskFullError`), the files already
        written for ``step`` are removed and the error is raised; earlier steps are untouched.

        Returns:
            dict: ``{'netG': path, 'netD': path, 'trainer': path}`` (+ ``'netG_ema'``).
        """
        existed = {part: os.path.exists(self.path(part, step)) for part in ALL_PARTS}
        paths = {}
        try:
            paths["netD"] = netD.save_checkpoint(self.directory("netD"), step, optD)
            paths["netG"] = netG.save_checkpoint(self.directory("netG"), step, optG)
            if netG_ema is not None:
                paths["netG_ema"] = netG_ema.save_checkpoint(self.directory("netG_ema"), step)
            trainer_path = self.path("trainer", step)
            trainer_tmp = trainer_path + ".unverified"  # not a step file: ignored until renamed
            save_torch_file({"global_step": int(step), **trainer_state}, trainer_tmp)
            files = {part: path for part, path in paths.items()}
            files["trainer"] = trainer_path
            record = {"format": CHECKSUM_FORMAT, "step": int(step), "files": {}}
            for part, path in files.items():
                source = trainer_tmp if part == "trainer" else path
                record["files"][part] = {"name": os.path.basename(path), "sha256": sha256_file(source),
                                         "bytes": os.path.getsize(source)}
            atomic_write_json(self.path("checksums", step), record)
            os.replace(trainer_tmp, trainer_path)
            fsync_dir(self.directory("trainer"))
            paths["trainer"] = trainer_path
        except BaseException:
            self._discard_step(step, existed)
            raise
        self._rotate()
        return paths

    def _discard_step(self, step, existed):
        """Remove the files of ``step`` that a failed :meth:`save` created."""
        for part in ALL_PARTS:
            if existed.get(part):
                continue
            for path in (self.path(part, step), self.path(part, step) + ".unverified"):
                try:
                    os.remove(path)
                except FileNotFoundError:
                    pass
                except OSError:  # pragma: no cover - best effort; remove_leftovers retries on the next start
                    pass

    def _rotate(self):
        if self.keep_last is None:
            return
        complete = self.complete_steps()
        for step in complete[: max(0, len(complete) - self.keep_last)]:
            self._delete_step(step)

    def _delete_step(self, step):
        for part in DELETE_ORDER:
            try:
                os.remove(self.path(part, step))
            except FileNotFoundError:
                pass

    # ------------------------------------------------------------------ clean-up
    def remove_leftovers(self) -> list[str]:
        """Delete what killed saves left behind: temporary files of interrupted atomic writes and
        the files of a newest step that never became complete (no trainer file), and the rest of an older
        step whose deletion by rotation was killed (its trainer file gone, its checksum record, deleted last,
        still there).

        Step files are removed only in a run directory this library made (it holds ``hparams.json``):
        above the newest complete step (a killed save can only leave the step it was writing), and below it
        only for incomplete steps that still have their checksum record. Checkpoints copied in from
        elsewhere (a torch-mimicry run directory, which has network files but no trainer files or checksum
        records) and older network files a user keeps beside a run are never deleted.

        Only files the library writes are touched: under ``log_dir/checkpoints``, the step files
        and temporary files; in ``log_dir`` and ``log_dir/images``, only the temporary files of
        ``hparams.json``, ``metrics.jsonl`` and the sample grids. Call
        it while holding the run's lock, before deciding whether the run is fresh. A message for
        ``train.log`` is queued (see :attr:`messages`) when something was removed.

        Returns:
            list: The removed paths.
        """
        removed = []
        complete = set(self.complete_steps())
        newest_complete = max(complete, default=-1)
        ours_dir = os.path.isfile(os.path.join(self.log_dir, "hparams.json"))
        half_deleted = set(self._steps("checksums")) - complete
        for part in ALL_PARTS:
            directory = self.directory(part)
            if not os.path.isdir(directory):
                continue
            prefix = os.path.basename(directory) + "_"
            for name in sorted(os.listdir(directory)):
                path = os.path.join(directory, name)
                match = _STEP.search(name)
                ours = name.startswith(prefix) and match is not None
                leftover = (
                    is_temp_file(name)
                    or (name.startswith(prefix) and name.endswith("_steps.pth.unverified"))
                    or (ours and ours_dir and (int(match.group(1)) > newest_complete
                                               or int(match.group(1)) in half_deleted))
                )
                if leftover and os.path.isfile(path):
                    os.remove(path)
                    removed.append(path)
        for directory, pattern in ((self.root, None), (self.log_dir, _RUN_FILES), (os.path.join(self.log_dir, "images"),
                                                                                 _IMAGE_FILES)):
            for name in (sorted(os.listdir(directory)) if os.path.isdir(directory) else []):
                path = os.path.join(directory, name)
                target = name[1:].rsplit(".", 2)[0]  # '.hparams.json.abcd1234.tmp' -> 'hparams.json'
                if is_temp_file(name) and (pattern is None or pattern.match(target)) and os.path.isfile(path):
                    os.remove(path)
                    removed.append(path)
        if removed:
            steps = sorted({int(m.group(1)) for p in removed if (m := _STEP.search(p.replace(".unverified", "")))})
            self._warn(f"removed {len(removed)} leftover file(s) of an interrupted save or rotation in {self.root}"
                       + (f" (incomplete checkpoints of step {', '.join(map(str, steps))})" if steps else ""))
        return removed

    # ------------------------------------------------------------------ loading
    def verify(self, step: int) -> bool:
        """Check the files of ``step`` against its checksum record.

        Steps saved before checksums were recorded (no record) pass unchecked.

        Raises:
            CheckpointError: A file's size or SHA-256 differs from the record (names the file), or
                the record is unreadable.
        """
        record_path = self.path("checksums", step)
        if not os.path.exists(record_path):
            return False
        try:
            with open(record_path, encoding="utf-8") as f:
                record = json.load(f)
            files = record["files"]
            if not isinstance(files, dict):
                raise TypeError("'files' is not a mapping")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CheckpointError(f"checksum record {record_path} is unreadable: {exc}") from exc
        for part, expected in files.items():
            path = self.path(part, step)
            if not os.path.exists(path):
                raise CheckpointError(f"{path} is missing although its checksum was recorded")
            size = os.path.getsize(path)
            if size != expected.get("bytes"):
                raise CheckpointError(f"{path} has {size} bytes but {expected.get('bytes')} were written: "
                                      "the file was truncated or changed after saving")
            if sha256_file(path) != expected.get("sha256"):
                raise CheckpointError(f"{path} does not match the SHA-256 recorded when it was saved: the file "
                                      "was corrupted (disk or transfer error) or changed after saving")
        return True

    def load_trainer_state(self, step: int) -> dict[str, Any]:
        """The trainer-state dict saved at ``step``."""
        state = load_torch_file(self.path("trainer", step))
        if not isinstance(state, dict) or int(state.get("global_step", -1)) != step:
            raise CheckpointError(f"{self.path('trainer', step)} is not a trainer checkpoint of step {step}")
        return state

    def restore_latest(self, netG: nn.Module, netD: nn.Module, optG: torch.optim.Optimizer,
                       optD: torch.optim.Optimizer) -> tuple[int | None, dict[str, Any] | None]:
        """Restore G, D and both optimisers from the newest complete checkpoint that verifies and loads.

        A newest checkpoint whose files fail their checksum or fail to load is reported with a
        warning (also queued in :attr:`messages` for ``train.log``) and the previous one is tried;
        no file is deleted.

        Returns:
            tuple: ``(step, trainer_state)``, or ``(None, None)`` if there is no complete checkpoint.

        Raises:
            CheckpointError: G and D files disagree on their step, or no checkpoint loads.
        """
        steps = self.complete_steps()
        errors = []
        for step in reversed(steps):
            try:
                self.verify(step)
                g_step = netG.restore_checkpoint(self.path("netG", step), optG)
                d_step = netD.restore_checkpoint(self.path("netD", step), optD)
                if g_step != d_step or g_step != step:
                    raise CheckpointError(
                        f"generator and discriminator checkpoints disagree: netG saved at step {g_step}, "
                        f"netD at step {d_step}, file names say {step}"
                    )
                return step, self.load_trainer_state(step)
            except CheckpointError as exc:
                if "disagree" in str(exc):
                    raise
                errors.append(str(exc))
                self._warn(f"skipping unusable checkpoint of step {step}: {exc}")
        if errors:
            raise CheckpointError("no checkpoint in " + self.root + " could be loaded:\n  " + "\n  ".join(errors))
        return None, None
