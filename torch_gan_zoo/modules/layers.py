"""Spectrally normalised layers (Miyato et al., 2018).

Each ``SN*`` factory returns the plain torch layer with ``torch.nn.utils.parametrizations.spectral_norm``
applied to its weight: one power iteration per forward pass in training mode, the stored estimate in
eval mode. The left singular vector lives in the state dict, so checkpoints resume exactly.
"""
import torch.nn as nn
from torch.nn.utils import parametrizations

__all__ = ["maybe_spectral_norm", "SNConv2d", "SNLinear", "SNEmbedding"]


def maybe_spectral_norm(module, enabled=True, n_power_iterations=1, eps=1e-12):
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


def SNConv2d(*args, n_power_iterations=1, **kwargs):
    """``nn.Conv2d(*args, **kwargs)`` with spectral normalisation. Input (N, C_in, H, W)."""
    return maybe_spectral_norm(nn.Conv2d(*args, **kwargs), n_power_iterations=n_power_iterations)


def SNLinear(*args, n_power_iterations=1, **kwargs):
    """``nn.Linear(*args, **kwargs)`` with spectral normalisation. Input (N, in_features)."""
    return maybe_spectral_norm(nn.Linear(*args, **kwargs), n_power_iterations=n_power_iterations)


def SNEmbedding(*args, n_power_iterations=1, **kwargs):
    """``nn.Embedding(*args, **kwargs)`` with spectral normalisation. Input: LongTensor of indices."""
    return maybe_spectral_norm(nn.Embedding(*args, **kwargs), n_power_iterations=n_power_iterations)
