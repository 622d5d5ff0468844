"""Blocks of BigGAN's generator (Brock et al., 2019): batch norm conditioned on a vector, and the
residual block that uses it. (BigGAN's self-attention layer is :class:`~torch_gan_zoo.modules.SelfAttention`.)

Both take and return NCHW float tensors.
"""

from __future__ import annotations

import torch

import torch.nn as nn

from torch_gan_zoo.modules.layers import maybe_spectral_norm
from torch_gan_zoo.modules.resblocks import GBlock

__all__ = ["LinearConditionalBatchNorm2d", "BigGANGBlock"]


class LinearConditionalBatchNorm2d(nn.Module):
    """Batch norm whose gain and bias are linear functions of a conditioning vector.

    ``out = (1 + W_g c) * BN(x) + W_b c``: BigGAN's conditional batch norm, where ``c`` is the shared
    class embedding concatenated with a chunk of the latent vector (ACGAN-style class lookups are
    :class:`~torch_gan_zoo.modules.ConditionalBatchNorm2d`).

    Args:
        num_features (int): Channels C of the input.
        cond_dim (int): Length of the conditioning vector.
        spectral_norm (bool): Spectrally normalise the two projections (BigGAN does).
        eps (float), momentum (float): As in ``nn.BatchNorm2d``.

    Shapes:
        x: (N, C, H, W) float; cond: (N, cond_dim) float; output like x.
    """

    def __init__(self, num_features: int, cond_dim: int, spectral_norm: bool = True, eps: float = 1e-5,
                 momentum: float = 0.1) -> None:
        super().__init__()
        self.num_features = num_features
        self.bn = nn.BatchNorm2d(num_features, eps=eps, momentum=momentum, affine=False)
        self.to_gain = maybe_spectral_norm(nn.Linear(cond_dim, num_features, bias=False), spectral_norm)
        self.to_bias = maybe_spectral_norm(nn.Linear(cond_dim, num_features, bias=False), spectral_norm)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        """Normalise ``x`` (N, C, H, W) and apply the affine transform computed from ``cond`` (N, cond_dim)."""
        gain = 1.0 + self.to_gain(cond).view(-1, self.num_features, 1, 1)
        bias = self.to_bias(cond).view(-1, self.num_features, 1, 1)
        return self.bn(x) * gain + bias


class BigGANGBlock(GBlock):
    """BigGAN's generator block: a :class:`~torch_gan_zoo.modules.GBlock` (x2 nearest upsampling)
    whose two batch norms are :class:`LinearConditionalBatchNorm2d`.

    Args:
        in_channels (int), out_channels (int): Channels in and out.
        cond_dim (int): Length of the conditioning vector (shared embedding + latent chunk).
        spectral_norm (bool): Spectrally normalise every convolution and projection.

    Shapes: ``forward(x, cond)``: x (N, in_channels, H, W), cond (N, cond_dim) ->
    (N, out_channels, 2H, 2W).
    """

    def __init__(self, in_channels: int, out_channels: int, cond_dim: int, spectral_norm: bool = True) -> None:
        super().__init__(in_channels, out_channels, upsample=True, spectral_norm=spectral_norm)
        self.b1 = LinearConditionalBatchNorm2d(in_channels, cond_dim, spectral_norm)
        self.b2 = LinearConditionalBatchNorm2d(out_channels, cond_dim, spectral_norm)
        self.conditional = True
