"""Spectrally normalised layers (Miyato et al., 2018).

Each ``SN*`` factory returns the plain torch layer with spectral normalisation registered on its weight as
``torch.nn.utils.parametrizations.spectral_norm`` does it: one power iteration per forward pass in training
mode, the stored estimate in eval mode. The singular vectors live in the state dict (same keys as torch's), so
checkpoints resume exactly.

The parametrisation is :class:`SpectralNorm`: torch's, bit for bit in eager mode, except that the power
iteration runs outside ``torch.compile`` graphs. With torch's own, a compiled discriminator called on real and
then on fake images before one backward pass fails ("a variable needed for gradient computation has been
modified by an inplace operation"): the compiled graph takes the stored vectors as inputs and keeps them for
its backward pass, and the second forward pass updates them in place.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn as nn
from torch.nn.utils import parametrizations, parametrize

__all__ = ["SpectralNorm", "maybe_spectral_norm", "SNConv2d", "SNLinear", "SNEmbedding"]


_TorchSpectralNorm = getattr(parametrizations, "_SpectralNorm", None)


if _TorchSpectralNorm is not None:
    class SpectralNorm(_TorchSpectralNorm):
        """Spectral normalisation of a weight (``weight / sigma``, sigma its largest singular value estimated by
        power iteration): ``torch.nn.utils.parametrizations``' parametrisation, whose power iteration and
        copy of the vectors run outside ``torch.compile`` graphs (see the module docstring).

        Args: as torch's: ``weight`` (the tensor to normalise), ``n_power_iterations``, ``dim`` (the output
        dimension: 1 for transposed convolutions, else 0) and ``eps``.
        """

        @torch.compiler.disable
        def _vectors(self, weight_mat: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            """Run the training-mode power iteration on the stored vectors; return fresh copies ``(u, v)``."""
            if self.training:
                with torch.no_grad():
                    self._power_method(weight_mat, self.n_power_iterations)
            return (self._u.clone(memory_format=torch.contiguous_format),
                    self._v.clone(memory_format=torch.contiguous_format))

        def forward(self, weight: torch.Tensor) -> torch.Tensor:
            """``weight`` divided by its estimated spectral norm (a 1-d weight is L2-normalised)."""
            if weight.ndim == 1:
                return nn.functional.normalize(weight, dim=0, eps=self.eps)
            weight_mat = self._reshape_weight_to_matrix(weight)
            u, v = self._vectors(weight_mat.detach())
            return weight / torch.vdot(u, torch.mv(weight_mat, v))
else:  # pragma: no cover - a torch without the private class: its own spectral norm (not compile-safe)
    SpectralNorm = None


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
    if SpectralNorm is None:  # pragma: no cover
        return parametrizations.spectral_norm(module, n_power_iterations=n_power_iterations, eps=eps)
    if not isinstance(getattr(module, "weight", None), torch.Tensor):
        raise ValueError(f"{type(module).__name__} has no weight to normalise")
    dim = 1 if isinstance(module, (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)) else 0
    parametrize.register_parametrization(module, "weight", SpectralNorm(module.weight, n_power_iterations, dim, eps))
    return module


def SNConv2d(*args: Any, n_power_iterations: int = 1, **kwargs: Any) -> nn.Module:
    """``nn.Conv2d(*args, **kwargs)`` with spectral normalisation. Input (N, C_in, H, W)."""
    return maybe_spectral_norm(nn.Conv2d(*args, **kwargs), n_power_iterations=n_power_iterations)


def SNLinear(*args: Any, n_power_iterations: int = 1, **kwargs: Any) -> nn.Module:
    """``nn.Linear(*args, **kwargs)`` with spectral normalisation. Input (N, in_features)."""
    return maybe_spectral_norm(nn.Linear(*args, **kwargs), n_power_iterations=n_power_iterations)


def SNEmbedding(*args: Any, n_power_iterations: int = 1, **kwargs: Any) -> nn.Module:
    """``nn.Embedding(*args, **kwargs)`` with spectral normalisation. Input: LongTensor of indices."""
    return maybe_spectral_norm(nn.Embedding(*args, **kwargs), n_power_iterations=n_power_iterations)
