"""``torch_mimicry.training.trainer``: :class:`Trainer` with Mimicry's signature, on this library's
Trainer (exact resume with RNG and data position, atomic checkpoints, mixed precision).

It also resumes a run directory written by Mimicry's Trainer (``log_dir/checkpoints/netG/
netG_<step>_steps.pth`` and ``netD/...`` without this library's trainer files): it starts from the
newest step that both networks have, restoring weights and optimiser states. RNG states and the data
position of such a run were never saved, so that first continuation cannot be bit-identical;
every later resume is.
"""
import os
import re

from torch_gan_zoo.training import trainer as _trainer
from torch_gan_zoo.training.checkpoint import CheckpointManager

__all__ = ["Trainer"]

_STEP = re.compile(r"_(\d+)_steps\.pth$")


def _steps(directory):
    if not os.path.isdir(directory):
        return set()
    return {int(m.group(1)) for name in os.listdir(directory) if (m := _STEP.search(name))}


def latest_mimicry_step(log_dir):
    """The newest step of ``log_dir`` with netG and netD checkpoints but no newer complete checkpoint
    of this library, or ``None``."""
    root = os.path.join(log_dir, "checkpoints")
    both = _steps(os.path.join(root, "netG")) & _steps(os.path.join(root, "netD"))
    complete = CheckpointManager(log_dir).complete_steps()
    if not both or (complete and complete[-1] >= max(both)):
        return None
    return max(both)


class Trainer(_trainer.Trainer):
    """Trains ``netG`` against ``netD`` for ``num_steps`` generator steps (see
    :class:`torch_gan_zoo.training.Trainer` for the arguments; these are Mimicry's)."""

    def __init__(self, netD, netG, optD, optG, dataloader, num_steps, log_dir="./log", n_dis=1, lr_decay=None,
                 device=None, netG_ckpt_file=None, netD_ckpt_file=None, print_steps=1, vis_steps=500, log_steps=50,
                 save_steps=5000, flush_secs=30, amp=False):
        if netG_ckpt_file is None and netD_ckpt_file is None:
            step = latest_mimicry_step(os.fspath(log_dir))
            if step is not None:
                root = os.path.join(os.fspath(log_dir), "checkpoints")
                netG_ckpt_file = os.path.join(root, "netG", f"netG_{step}_steps.pth")
                netD_ckpt_file = os.path.join(root, "netD", f"netD_{step}_steps.pth")
        super().__init__(netD, netG, optD, optG, dataloader, num_steps, log_dir=log_dir, n_dis=n_dis,
                         lr_decay=lr_decay, device=device, print_steps=print_steps, vis_steps=vis_steps,
                         log_steps=log_steps, save_steps=save_steps, netG_ckpt_file=netG_ckpt_file,
                         netD_ckpt_file=netD_ckpt_file, flush_secs=flush_secs, amp=amp, keep_checkpoints=None,
                         progress=False)

    def train(self):
        """Train until ``num_steps``, resuming the run in ``log_dir`` (Mimicry's or this library's)."""
        return super().train()
