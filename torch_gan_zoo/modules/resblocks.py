"""Residual blocks of the ResNet GANs (Gulrajani et al., 2017; Miyato et al., 2018).

``GBlock`` upsamples in the generator, ``DBlock`` / ``DBlockOptimized`` downsample in the
discriminator. All take and return NCHW float tensors.

Resampling is fused with the adjacent convolution where that is exact (see
:mod:`torch_gan_zoo.modules.resampling`): the blocks compute the same function as the textbook
"upsample, conv" / "conv, pool" order with about 2.25x fewer multiply-adds in those layers, and a
1x1 shortcut convolution runs at the lower resolution (it commutes with nearest upsampling and
average pooling).
"""

from __future__ import annotations

import torch

import math

import torch.nn as nn
import torch.nn.functional as F

from torch_gan_zoo.modules.conditional_bn import ConditionalBatchNorm2d
from torch_gan_zoo.modules.layers import maybe_spectral_norm
from torch_gan_zoo.modules.resampling import conv2d_avg_pool, upsample_conv2d

__all__ = ["GBlock", "DBlock", "DBlockOptimized", "UPSAMPLE_MODES"]

#: Upsampling modes of :class:`GBlock`.
UPSAMPLE_MODES = ("nearest", "bilinear")


def _bilinear_x2(x):
    return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)


def _conv(in_channels, out_channels, kernel_size, spectral_norm, gain):
    conv = nn.Conv2d(in_channels, out_channels, kernel_size, 1, (kernel_size - 1) // 2)
    nn.init.xavier_uniform_(conv.weight, gain)
    nn.init.zeros_(conv.bias)
    return maybe_spectral_norm(conv, spectral_norm)


class GBlock(nn.Module):
    """Generator residual block: ``BN-ReLU-(up x2)-conv3x3-BN-ReLU-conv3x3`` plus a shortcut.

    The shortcut upsamples and applies a 1x1 convolution when the shape changes.

    Args:
        in_channels (int), out_channels (int): Channels in and out.
        hidden_channels (int, optional): Channels between the two 3x3 convolutions (default out).
        upsample (bool): Double H and W (nearest neighbour by default).
        num_classes (int): If > 0, use class-conditional batch norm; ``forward`` then needs ``y``.
        spectral_norm (bool): Spectrally normalise the convolutions (SAGAN/BigGAN generators).
        upsample_mode (str): ``'nearest'`` (default, fused with the convolution) or ``'bilinear'``
            (``align_corners=False``, then the convolution, as torch-mimicry's GBlock does). Kept as
            the attribute :attr:`upsample_mode`, which may be changed after construction.

    Shapes:
        x: (N, in_channels, H, W); y: (N,) long labels if conditional;
        output: (N, out_channels, 2H, 2W) if upsample else (N, out_channels, H, W).
    """

    def __init__(self, in_channels: int, out_channels: int, hidden_channels: int | None = None,
                 upsample: bool = False, num_classes: int = 0, spectral_norm: bool = False,
                 upsample_mode: str = "nearest") -> None:
        super().__init__()
        if upsample_mode not in UPSAMPLE_MODES:
            raise ValueError(f"upsample_mode must be one of {UPSAMPLE_MODES}, got {upsample_mode!r}")
        hidden_channels = out_channels if hidden_channels is None else hidden_channels
        self.upsample = upsample
        self.upsample_mode = upsample_mode
        self.conditional = num_classes > 0
        self.learnable_sc = in_channels != out_channels or upsample
        self.c1 = _conv(in_channels, hidden_channels, 3, spectral_norm, math.sqrt(2.0))
        self.c2 = _conv(hidden_channels, out_channels, 3, spectral_norm, math.sqrt(2.0))
        if self.conditional:
            self.b1 = ConditionalBatchNorm2d(in_channels, num_classes)
            self.b2 = ConditionalBatchNorm2d(hidden_channels, num_classes)
        else:
            self.b1 = nn.BatchNorm2d(in_channels)
            self.b2 = nn.BatchNorm2d(hidden_channels)
        if self.learnable_sc:
            self.c_sc = _conv(in_channels, out_channels, 1, spectral_norm, 1.0)

    def _norm(self, bn, h, y):
        return bn(h, y) if self.conditional else bn(h)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Apply the block to ``x`` (N, C, H, W); ``y`` (N,) labels are needed iff conditional."""
        if self.conditional and y is None:
            raise ValueError("this GBlock is class-conditional: forward(x, y) needs labels y")
        h = F.relu(self._norm(self.b1, x, y))
        if self.upsample and self.upsample_mode == "bilinear":
            h = self.c2(F.relu(self._norm(self.b2, self.c1(_bilinear_x2(h)), y)))
            sc = _bilinear_x2(x)
            return h + (self.c_sc(sc) if self.learnable_sc else sc)
        h = upsample_conv2d(h, self.c1.weight, self.c1.bias) if self.upsample else self.c1(h)
        h = self.c2(F.relu(self._norm(self.b2, h, y)))
        sc = self.c_sc(x) if self.learnable_sc else x
        if self.upsample:
            sc = F.interpolate(sc, scale_factor=2, mode="nearest")
        return h + sc


class DBlock(nn.Module):
    """Discriminator residual block: ``ReLU-conv3x3-ReLU-conv3x3-(avgpool /2)`` plus a shortcut.

    Args:
        in_channels (int), out_channels (int): Channels in and out.
        hidden_channels (int, optional): Channels between the convolutions (default in_channels).
        downsample (bool): Halve H and W with 2x2 average pooling.
        spectral_norm (bool): Spectrally normalise every convolution (default True).
        shortcut_sees_relu (bool): Feed ``ReLU(x)`` instead of ``x`` to the shortcut too (default
            False). torch-mimicry's DBlock applies an in-place ReLU to its input, so its shortcut
            sees ``ReLU(x)``; set this to reproduce its checkpoints exactly. Kept as the attribute
            :attr:`shortcut_sees_relu`, which may be changed after construction.

    Shapes: x (N, in_channels, H, W) -> (N, out_channels, H/2, W/2) if downsample else same H, W.
    """

    def __init__(self, in_channels: int, out_channels: int, hidden_channels: int | None = None,
                 downsample: bool = False, spectral_norm: bool = True, shortcut_sees_relu: bool = False) -> None:
        super().__init__()
        hidden_channels = in_channels if hidden_channels is None else hidden_channels
        self.downsample = downsample
        self.shortcut_sees_relu = shortcut_sees_relu
        self.learnable_sc = in_channels != out_channels or downsample
        self.c1 = _conv(in_channels, hidden_channels, 3, spectral_norm, math.sqrt(2.0))
        self.c2 = _conv(hidden_channels, out_channels, 3, spectral_norm, math.sqrt(2.0))
        if self.learnable_sc:
            self.c_sc = _conv(in_channels, out_channels, 1, spectral_norm, 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the block to ``x`` (N, C, H, W)."""
        if self.shortcut_sees_relu:
            x = F.relu(x)
        h = F.relu(self.c1(F.relu(x)))
        h = conv2d_avg_pool(h, self.c2.weight, self.c2.bias) if self.downsample else self.c2(h)
        sc = F.avg_pool2d(x, 2) if self.downsample else x
        if self.learnable_sc:
            sc = self.c_sc(sc)
        return h + sc


class DBlockOptimized(nn.Module):
    """First discriminator block, applied to images: ``conv3x3-ReLU-conv3x3-avgpool /2`` plus
    ``avgpool-conv1x1`` shortcut (no ReLU on the raw input).

    Shapes: x (N, in_channels, H, W) -> (N, out_channels, H/2, W/2).
    """

    def __init__(self, in_channels: int, out_channels: int, spectral_norm: bool = True) -> None:
        super().__init__()
        self.c1 = _conv(in_channels, out_channels, 3, spectral_norm, math.sqrt(2.0))
        self.c2 = _conv(out_channels, out_channels, 3, spectral_norm, math.sqrt(2.0))
        self.c_sc = _conv(in_channels, out_channels, 1, spectral_norm, 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the block to images ``x`` (N, C, H, W)."""
        h = conv2d_avg_pool(F.relu(self.c1(x)), self.c2.weight, self.c2.bias)
        return h + self.c_sc(F.avg_pool2d(x, 2))
