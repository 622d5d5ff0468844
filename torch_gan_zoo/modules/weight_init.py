"""Weight initialisations: of one layer (:func:`init_weight_`) and of whole networks (applied after construction)."""

from __future__ import annotations
import torch
import torch.nn as nn
from torch.nn.utils import parametrize

__all__ = ["init_weight_", "init_dcgan_weights", "orthogonal_init_"]


def init_weight_(module: nn.Module, gain: float = 1.0) -> None:
    """Xavier-uniform initialise ``module``'s weight in place, the raw weight if it is spectrally
    normalised (the parametrisation then rescales it at every forward pass)."""
    if parametrize.is_parametrized(module, "weight"):
        nn.init.xavier_uniform_(module.parametrizations.weight.original, gain)
    else:
        nn.init.xavier_uniform_(module.weight, gain)


def init_dcgan_weights(module: nn.Module) -> None:
    """DCGAN initialisation: conv/linear weights ~ N(0, 0.02), batch-norm scales ~ N(1, 0.02), biases 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm2d, nn.BatchNorm1d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


@torch.no_grad()
def orthogonal_init_(model: nn.Module) -> nn.Module:
    """Orthogonal initialisation (Saxe et al., 2014) of every ``Conv2d``, ``Linear`` and ``Embedding``
    weight in ``model``, with biases set to 0: the initialisation of BigGAN and StudioGAN's BigGAN-family
    networks.

    Spectrally normalised layers have their unnormalised weight initialised, and their power-iteration
    vectors re-estimated for it (15 iterations, as when spectral norm is first applied), so the first
    forward pass is normalised by the right singular value.

    Returns:
        nn.Module: ``model``.
    """
    for module in [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear, nn.Embedding))]:
        if parametrize.is_parametrized(module, "weight"):
            weight = module.parametrizations.weight.original
            nn.init.orthogonal_(weight)
            for parametrization in module.parametrizations.weight:
                if hasattr(parametrization, "_power_method"):  # torch's spectral norm
                    parametrization._power_method(parametrization._reshape_weight_to_matrix(weight), 15)
        else:
            nn.init.orthogonal_(module.weight)
        if getattr(module, "bias", None) is not None:
            nn.init.zeros_(module.bias)
    return model
