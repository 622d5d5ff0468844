"""Learning-rate schedules, stepped once per generator step."""

from __future__ import annotations
import torch

from torch_gan_zoo.config.validation import check_non_negative_int

__all__ = ["LR_DECAYS", "make_lr_scheduler"]

#: Valid values of the Trainer's ``lr_decay``.
LR_DECAYS = (None, "none", "linear")


def make_lr_scheduler(optimizer: torch.optim.Optimizer, lr_decay: str | None, num_steps: int,
                      start: int = 0) -> torch.optim.lr_scheduler.LRScheduler | None:
    """A scheduler for ``optimizer``, or ``None`` for a constant rate.

    Args:
        lr_decay: ``None``/``'none'`` (constant) or ``'linear'``: constant ``lr0`` up to step ``start``,
            then ``lr(t) = lr0 * (1 - (t - start) / (num_steps - start))``, reaching 0 at ``num_steps``
            (with ``start=0``: Mimicry's and SNGAN's schedule).
        num_steps (int): Total generator steps. A resumed run with a larger ``num_steps`` continues
            the linear decay towards the new end.
        start (int): Generator step at which the decay begins; with ``start >= num_steps`` the rate
            stays constant (a later resume that extends ``num_steps`` past it starts the decay).

    Raises:
        ValueError: Unknown ``lr_decay``, or ``start`` not a non-negative int.
    """
    check_non_negative_int("lr_decay_start", start)
    if lr_decay in (None, "none"):
        return None
    if lr_decay == "linear":
        span = max(num_steps - start, 1)
        return torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: min(1.0, max(0.0, 1.0 - (step - start) / span)))
    raise ValueError(f"unknown lr_decay {lr_decay!r}; valid: {LR_DECAYS}")
