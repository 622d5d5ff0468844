"""``torch_mimicry.training.distributed_trainer``: :class:`DistributedTrainer` with Mimicry's signature,
on :class:`torch_gan_zoo.mimicry.training.Trainer`.

This library's Trainer already runs DistributedDataParallel when started under ``torchrun`` (one
process per GPU; the process count comes from ``torchrun``, not from ``n_gpus``). Without ``torchrun``
it trains on one process exactly like :class:`~torch_gan_zoo.mimicry.training.Trainer`.
"""
import warnings

from torch_gan_zoo.config.validation import check_positive_int
from torch_gan_zoo.mimicry.training.trainer import Trainer

__all__ = ["DistributedTrainer"]

#: Mimicry's keyword options of DistributedTrainer and their defaults (Mimicry reads them from **kwargs).
_KWARG_DEFAULTS = {"print_steps": 1, "vis_steps": 500, "flush_secs": 30, "log_steps": 50, "save_steps": 5000,
                   "save_when_end": True}


class DistributedTrainer(Trainer):
    """Trains ``netG`` against ``netD`` for ``num_steps`` generator steps, on every process that
    ``torchrun`` started (a single process without it).

    Args are Mimicry's: ``n_gpus`` (int >= 1) is kept as :attr:`n_gpus` for Mimicry scripts; the
    processes are ``torchrun``'s. ``**kwargs`` takes ``print_steps``, ``vis_steps``, ``flush_secs``,
    ``log_steps``, ``save_steps`` and ``save_when_end`` (defaults as Mimicry: 1, 500, 30, 50, 5000,
    True), and ``amp``. The final checkpoint is always written (it is what an exact resume starts
    from), so ``save_when_end=False`` only warns. Any other keyword raises ``TypeError``.
    """

    def __init__(self, netD, netG, optD, optG, dataloader, num_steps, n_gpus, log_dir='./log', n_dis=1,
                 netG_ckpt_file=None, netD_ckpt_file=None, lr_decay=None, device=None, **kwargs):
        check_positive_int("n_gpus", n_gpus)
        unknown = sorted(set(kwargs) - set(_KWARG_DEFAULTS) - {"amp"})
        if unknown:
            raise TypeError(f"DistributedTrainer got unexpected keyword arguments {unknown}; it takes "
                            f"{sorted(_KWARG_DEFAULTS)} and 'amp'")
        options = {**_KWARG_DEFAULTS, **kwargs}
        if not options.pop("save_when_end"):
            warnings.warn("save_when_end=False is ignored: the final checkpoint is always saved so that the "
                          "run can resume exactly", RuntimeWarning, stacklevel=2)
        super().__init__(netD, netG, optD, optG, dataloader, num_steps, log_dir=log_dir, n_dis=n_dis,
                         lr_decay=lr_decay, device=device, netG_ckpt_file=netG_ckpt_file,
                         netD_ckpt_file=netD_ckpt_file, **options)
        self.n_gpus = n_gpus
        self.save_when_end = True
