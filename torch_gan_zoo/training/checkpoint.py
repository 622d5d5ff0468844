"""Checkpoint files of a training run and their rotation.

Layout under ``log_dir/checkpoints``::

    netG/netG_<step>_steps.pth      generator weights + optimiser (BaseModel.save_checkpoint)
    netD/netD_<step>_steps.pth      discriminator weights + optimiser
    trainer/trainer_<step>_steps.pth  schedulers, RNG states, data position, scalers, EMA, fixed noise
    netG_ema/netG_ema_<step>_steps.pth  the EMA generator, when the run keeps one (loadable on its own
                                        with ``BaseModel.from_checkpoint``)

The trainer file is written last, so a step counts as complete only when all three exist. Old
steps are deleted only after a newer one is complete; every file is written atomically.
"""
import os
import re
import warnings

from torch_gan_zoo.nets.basemodel import checkpoint_name
from torch_gan_zoo.utils.io import CheckpointError, load_torch_file, save_torch_file

__all__ = ["CheckpointManager"]

_STEP = re.compile(r"_(\d+)_steps\.pth$")
PARTS = ("netG", "netD", "trainer")


class CheckpointManager:
    """Saves, finds, rotates and loads the checkpoints of one run.

    Args:
        log_dir (str): The run's directory.
        keep_last (int or None): How many complete checkpoints to keep (``None``: all).
    """

    def __init__(self, log_dir, keep_last=5):
        if keep_last is not None and keep_last < 1:
            raise ValueError(f"keep_last must be >= 1 or None, got {keep_last}")
        self.root = os.path.join(log_dir, "checkpoints")
        self.keep_last = keep_last

    def directory(self, part):
        """Folder of ``part`` (``'netG'``, ``'netD'`` or ``'trainer'``)."""
        return os.path.join(self.root, part)

    def path(self, part, step):
        """File of ``part`` at ``step``."""
        directory = self.directory(part)
        return os.path.join(directory, checkpoint_name(directory, step))

    def _steps(self, part):
        directory = self.directory(part)
        if not os.path.isdir(directory):
            return set()
        return {int(m.group(1)) for f in os.listdir(directory) if (m := _STEP.search(f))}

    def complete_steps(self):
        """Steps for which G, D and trainer files all exist, ascending."""
        steps = [self._steps(part) for part in PARTS]
        return sorted(set.intersection(*steps)) if steps else []

    def has_checkpoints(self):
        """Whether any file of any part exists (complete or not)."""
        return any(self._steps(part) for part in PARTS)

    def save(self, step, netG, netD, optG, optD, trainer_state, netG_ema=None):
        """Write the files for ``step`` (trainer last), then delete the oldest beyond ``keep_last``.

        Returns:
            dict: ``{'netG': path, 'netD': path, 'trainer': path}`` (+ ``'netG_ema'``).
        """
        paths = {
            "netD": netD.save_checkpoint(self.directory("netD"), step, optD),
            "netG": netG.save_checkpoint(self.directory("netG"), step, optG),
        }
        if netG_ema is not None:
            paths["netG_ema"] = netG_ema.save_checkpoint(self.directory("netG_ema"), step)
        trainer_path = self.path("trainer", step)
        save_torch_file({"global_step": int(step), **trainer_state}, trainer_path)
        paths["trainer"] = trainer_path
        self._rotate()
        return paths

    def _rotate(self):
        if self.keep_last is None:
            return
        complete = self.complete_steps()
        for step in complete[: max(0, len(complete) - self.keep_last)]:
            for part in ("trainer", "netG", "netD", "netG_ema"):  # trainer first: the step stops counting at once
                try:
                    os.remove(self.path(part, step))
                except FileNotFoundError:
                    pass

    def load_trainer_state(self, step):
        """The trainer-state dict saved at ``step``."""
        state = load_torch_file(self.path("trainer", step))
        if not isinstance(state, dict) or int(state.get("global_step", -1)) != step:
            raise CheckpointError(f"{self.path('trainer', step)} is not a trainer checkpoint of step {step}")
        return state

    def restore_latest(self, netG, netD, optG, optD):
        """Restore G, D and both optimisers from the newest complete checkpoint that loads.

        A newest checkpoint that fails to load (corrupt file) is reported with a warning and the
        previous one is tried; no file is deleted.

        Returns:
            tuple: ``(step, trainer_state)``, or ``(None, None)`` if there is no complete checkpoint.

        Raises:
            CheckpointError: G and D files disagree on their step, or no checkpoint loads.
        """
        steps = self.complete_steps()
        errors = []
        for step in reversed(steps):
            try:
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
                warnings.warn(f"skipping unusable checkpoint of step {step}: {exc}", RuntimeWarning, stacklevel=2)
        if errors:
            raise CheckpointError("no checkpoint in " + self.root + " could be loaded:\n  " + "\n  ".join(errors))
        return None, None
