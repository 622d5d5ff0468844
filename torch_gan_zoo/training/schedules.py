"""Learning-rate schedules, stepped once per generator step."""
import torch

__all__ = ["LR_DECAYS", "make_lr_scheduler"]

#: Valid values of the Trainer's ``lr_decay``.
LR_DECAYS = (None, "none", "linear")


def make_lr_scheduler(optimizer, lr_decay, num_steps):
    """A scheduler for ``optimizer``, or ``None`` for a constant rate.

    Args:
        lr_decay: ``None``/``'none'`` (constant) or ``'linear'``: ``lr(t) = lr0 * (1 - t / num_steps)``,
            reaching 0 at ``num_steps`` (Mimicry's and SNGAN's schedule).
        num_steps (int): Total generator steps. A resumed run with a larger ``num_steps`` continues
            the linear decay towards the new end.

    Raises:
        ValueError: Unknown ``lr_decay``.
    """
    if lr_decay in (None, "none"):
        return None
    if lr_decay == "linear":
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(0.0, 1.0 - step / num_steps))
    raise ValueError(f"unknown lr_decay {lr_decay!r}; valid: {LR_DECAYS}")
