"""Spectrally normalised layers (Miyato et al., 2018).

Each ``SN*`` factory returns the plain torch layer with ``torch.nn.utils.parametrizations.spectral_norm``
applied to its weight: one power iteration per forward pass in training mode, the stored estimate in
eval mode. The left singular vector lives in the state dict, so checkpoints resume exactly.
"""

from __future__ import annotations

from typing import Any

import torch.nn as nn
from torch.nn.utils import parametrizations

__all__ = ["maybe_spectral_norm", "SNConv2d", "SNLinear", "SNEmbedding"]


def maybe_spectral_norm(module: nn.Module, enabled: bool = True, n_power_iterations: int = 1,
                        eps: float = 1e-12) -> nn.Module:
    """Return ``module`` with spectral normalisation on its ``weight`` if ``enabled``, else unchanged.

    Args:
        module (nn.Module): A layer with a ``weight`` parameter (Conv, Linear, Embedding).
        enabled (bool): Whether to apply spectral normalisation.
        n_power_iterations (int): Power iterations per training-mode forward pass.
        eps (float): Numerical stabiliser of the normalisation.
    """
    if not enabled:
        return module
    return parametrizations.spectral_norm(module, n_power_iterations=n_power_iterations, eps=eps)


def SNConv2d(*args: Any, n_power_iterations: int = 1, **kwargs: Any) -> nn.Module:
    """``nn.Conv2d(*args, **kwargs)`` with spectral normalisation. Input (N, C_in, H, W)."""
    return maybe_spectral_norm(nn.Conv2d(*args, **kwargs), n_power_iterations=n_power_iterations)


def SNLinear(*args: Any, n_power_iterations: int = 1, **kwargs: Any) -> nn.Module:
    """``nn.Linear(*args, **kwargs)`` with spectral normalisation. Input (N, in_features)."""
    return maybe_spectral_norm(nn.Linear(*args, **kwargs), n_power_iterations=n_power_iterations)


def SNEmbedding(*args: Any, n_power_iterations: int = 1, **kwargs: Any) -> nn.Module:
    """``nn.Embedding(*args, **kwargs)`` with spectral normalisation. Input: LongTensor of indices."""
    return maybe_spectral_norm(nn.Embedding(*args, **kwargs), n_power_iterations=n_power_iterations)
