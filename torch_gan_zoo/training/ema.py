"""Exponential moving average of generator weights (Karras et al., 2018; Yazici et al., 2019).

The averaged copy usually samples better than the raw generator; the Trainer uses it for sample
grids and exposes it as ``trainer.netG_ema`` for evaluation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import copy

import torch
import torch.nn as nn

from torch_gan_zoo.config.validation import check_non_negative_int

__all__ = ["ExponentialMovingAverage", "standing_stats", "has_batch_norm", "STANDING_STATS"]

#: Standing-statistics settings of the evaluated and exported EMA generator: the in-training
#: :class:`~torch_gan_zoo.training.Evaluator`, :func:`torch_gan_zoo.zoo.export_run` and the Fashion-MNIST
#: benchmark's evaluation all re-estimate batch-norm statistics with these (``zoo.STANDING_STATS``).
STANDING_STATS = {"num_batches": 20, "batch_size": 100, "seed": 0}


class ExponentialMovingAverage:
    """Keeps ``shadow``, an averaged copy of a model: ``shadow = decay * shadow + (1 - decay) * model``.

    Args:
        model (nn.Module): The model to average (usually the generator).
        decay (float): In [0, 1). Typical: 0.999 to 0.9999.
        start_step (int): Before this step the shadow just copies the model (averaging the random
            initial weights would only slow it down).

    Buffers (batch-norm statistics, spectral-norm vectors) are copied, not averaged. Use
    :meth:`standing_stats` to re-estimate the shadow's batch-norm statistics before evaluation.
    """

    def __init__(self, model: nn.Module, decay: float = 0.9999, start_step: int = 0) -> None:
        if not 0.0 <= decay < 1.0:
            raise ValueError(f"EMA decay must be in [0, 1), got {decay}")
        check_non_negative_int("EMA start_step", start_step)
        self.decay = float(decay)
        self.start_step = int(start_step)
        self.shadow = copy.deepcopy(model)
        if hasattr(self.shadow, "set_call_wrapper"):
            self.shadow.set_call_wrapper(None)
        self.shadow.eval().requires_grad_(False)

    def to_config(self) -> dict[str, Any]:
        """``{'decay', 'start_step'}``."""
        return {"decay": self.decay, "start_step": self.start_step}

    @torch.no_grad()
    def update(self, model: nn.Module, step: int) -> None:
        """Blend ``model``'s current weights into the shadow after generator step ``step``."""
        shadow_params = list(self.shadow.parameters())
        params = [p.detach() for p in model.parameters()]
        if len(shadow_params) != len(params):
            raise ValueError("the model's parameters no longer match the EMA copy")
        if step < self.start_step:
            torch._foreach_copy_(shadow_params, params)
        else:
            torch._foreach_lerp_(shadow_params, params, 1.0 - self.decay)
        for shadow_buffer, buffer in zip(self.shadow.buffers(), model.buffers()):
            shadow_buffer.copy_(buffer)

    def state_dict(self) -> dict[str, Any]:
        """The shadow model's state dict."""
        return self.shadow.state_dict()

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore the shadow from :meth:`state_dict`."""
        self.shadow.load_state_dict(state)

    def standing_stats(self, num_batches: int = 16, batch_size: int = 64, seed: int = 0) -> nn.Module:
        """Re-estimate the shadow's batch-norm statistics (see :func:`standing_stats`); returns the shadow."""
        return standing_stats(self.shadow, num_batches=num_batches, batch_size=batch_size, seed=seed)


def _batch_norms(net: nn.Module) -> list[nn.Module]:
    return [m for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]


def has_batch_norm(net: nn.Module) -> bool:
    """Whether ``net`` has a batch-norm layer (whose statistics :func:`standing_stats` would re-estimate)."""
    return bool(_batch_norms(net))


@torch.no_grad()
def standing_stats(netG: nn.Module, num_batches: int = 16, batch_size: int = 64, seed: int = 0) -> nn.Module:
    """Re-estimate a generator's batch-norm statistics ("standing statistics", Brock et al., 2019).

    Resets every batch-norm layer of ``netG``, runs ``num_batches`` batches of ``batch_size``
    generated images through it in training mode with cumulative averaging (random classes for a
    conditional generator), and leaves it in eval mode. An EMA generator needs this: its buffers are
    copies of the raw generator's, which do not match the averaged weights. The global RNG is
    untouched (a private generator seeded by ``seed`` draws the noise), so the result depends only
    on the weights and the arguments.

    Args:
        netG: A generator with ``nz`` (and ``num_classes`` if conditional); modified in place.

    Returns:
        nn.Module: ``netG``.
    """
    norms = _batch_norms(netG)
    if not norms:
        return netG.eval()
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative moving average
    device = next(netG.parameters()).device
    rng = torch.Generator(device="cpu").manual_seed(int(seed))
    netG.train()
    try:
        for _ in range(num_batches):
            z = torch.randn(batch_size, netG.nz, generator=rng).to(device)
            if getattr(netG, "num_classes", None):
                labels = torch.randint(0, netG.num_classes, (batch_size,), generator=rng).to(device)
                netG(z, labels)
            else:
                netG(z)
    finally:
        for m, momentum in zip(norms, momenta):
            m.momentum = momentum
        netG.eval()
    return netG
