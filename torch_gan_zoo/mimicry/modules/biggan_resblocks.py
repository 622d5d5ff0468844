"""``torch_mimicry.modules.biggan_resblocks``: Mimicry's BigGAN residual blocks, on this library's blocks.

Mimicry ships these blocks with their ``forward`` methods left as ``NotImplementedError`` (the intended
computation is in its comments, and no Mimicry network uses them). Here they compute that intended
computation with Mimicry's layer names (``c1``, ``c2``, ``b1``, ``b2``, ``c_sc``, ``bn``), so Mimicry
state dicts load with ``strict=True``:

Layers are Mimicry's spectral-norm layout (:mod:`torch_gan_zoo.mimicry.modules.spectral_norm`) and
this library's conditional batch norm; ``GBlock`` upsamples nearest-neighbour (the BigGAN choice, as
Mimicry's docstring says) and ``DBlock``'s shortcut sees ``ReLU(x)`` (Mimicry's in-place ReLU).
"""
import math

import torch.nn.functional as F
from torch import nn

from torch_gan_zoo.mimicry.modules.layers import ConditionalBatchNorm2d
from torch_gan_zoo.mimicry.modules.spectral_norm import SNConv2d

__all__ = ["SharedConditionalBatchNorm2d", "GBlock", "DBlock", "DBlockOptimized"]


class SharedConditionalBatchNorm2d(nn.Module):
    """Batch norm without own affine parameters, scaled and shifted by per-sample ``gamma``/``beta``
    that come from an embedding shared across blocks.

    Shapes: x (N, num_features, H, W), gamma and beta (N, num_features) -> (N, num_features, H, W).
    """

    def __init__(self, num_features):
        super().__init__()
        self.num_features = num_features
        self.bn = nn.BatchNorm2d(num_features, affine=False)

    def forward(self, x, gamma, beta):
        """Return ``gamma * BN(x) + beta`` with ``gamma``/``beta`` broadcast over H and W."""
        for name, t in (("gamma", gamma), ("beta", beta)):
            if t.numel() != x.shape[0] * self.num_features:
                raise ValueError(f"{name} must hold {self.num_features} values per sample for x of shape "
                                 f"{tuple(x.shape)}, got shape {tuple(t.shape)}")
        shape = (-1, self.num_features, 1, 1)
        return gamma.reshape(shape) * self.bn(x) + beta.reshape(shape)


def _conv(c_in, c_out, k, spectral_norm):
    return (SNConv2d if spectral_norm else nn.Conv2d)(c_in, c_out, k, 1, padding=k // 2)


class GBlock(nn.Module):
    """Generator block ``BN-ReLU-(nearest x2)-conv3x3-BN-ReLU-conv3x3`` plus (upsampled 1x1) shortcut.

    ``forward(x, gamma, beta, z)`` keeps Mimicry's signature. Mimicry's block has no shared-embedding
    batch norm (its ``b1``/``b2`` are plain or class-conditional), so ``gamma`` and ``beta`` must be
    ``None``; ``z`` carries the class labels (N,) long of a conditional block (``num_classes`` > 0), and
    must be ``None`` for an unconditional one. A conditional Mimicry state dict loads after
    :func:`torch_gan_zoo.mimicry.convert.convert_state_dict` (its ``embed`` is split into gamma/beta).

    Shapes: x (N, in_channels, H, W) -> (N, out_channels, 2H, 2W) if ``upsample`` else same H, W.
    """

    def __init__(self, in_channels, out_channels, hidden_channels=None, upsample=False, num_classes=0,
                 spectral_norm=False):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.hidden_channels = out_channels if hidden_channels is None else hidden_channels
        self.upsample = upsample
        self.learnable_sc = in_channels != out_channels or upsample
        self.num_classes = num_classes
        self.spectral_norm = spectral_norm
        self.c1 = _conv(in_channels, self.hidden_channels, 3, spectral_norm)
        self.c2 = _conv(self.hidden_channels, out_channels, 3, spectral_norm)
        if num_classes > 0:
            self.b1 = ConditionalBatchNorm2d(in_channels, num_classes)
            self.b2 = ConditionalBatchNorm2d(self.hidden_channels, num_classes)
        else:
            self.b1 = nn.BatchNorm2d(in_channels)
            self.b2 = nn.BatchNorm2d(self.hidden_channels)
        nn.init.xavier_uniform_(self.c1.weight, math.sqrt(2.0))
        nn.init.xavier_uniform_(self.c2.weight, math.sqrt(2.0))
        if self.learnable_sc:
            self.c_sc = _conv(in_channels, out_channels, 1, spectral_norm)
            nn.init.xavier_uniform_(self.c_sc.weight, 1.0)

    def _up(self, h):
        return F.interpolate(h, scale_factor=2, mode="nearest") if self.upsample else h

    def forward(self, x, gamma, beta, z):
        """Apply the block to ``x`` (N, C, H, W); ``z`` (N,) labels if conditional, else ``None``."""
        if gamma is not None or beta is not None:
            raise ValueError("this GBlock has no shared-embedding batch norm: pass gamma=None and beta=None")
        if self.num_classes == 0 and z is not None:
            raise ValueError("this GBlock is unconditional (num_classes=0): pass z=None")
        if self.num_classes > 0 and z is None:
            raise ValueError("this GBlock is class-conditional: pass the labels (N,) as z")
        norm = (lambda bn, h: bn(h, z)) if self.num_classes > 0 else (lambda bn, h: bn(h))
        h = self.c1(self._up(F.relu(norm(self.b1, x))))
        h = self.c2(F.relu(norm(self.b2, h)))
        sc = self.c_sc(self._up(x)) if self.learnable_sc else x
        return h + sc


class DBlock(nn.Module):
    """Discriminator block ``ReLU-conv3x3-ReLU-conv3x3-(avgpool)`` plus a shortcut that sees ``ReLU(x)``
    (Mimicry's in-place ReLU on the input, as in :class:`torch_gan_zoo.modules.resblocks.DBlock`
    with ``shortcut_sees_relu=True``).

    Shapes: x (N, in_channels, H, W) -> (N, out_channels, H/2, W/2) if ``downsample`` else same H, W.
    """

    def __init__(self, in_channels, out_channels, hidden_channels=None, downsample=False, spectral_norm=True):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.hidden_channels = in_channels if hidden_channels is None else hidden_channels
        self.downsample = downsample
        self.learnable_sc = in_channels != out_channels or downsample
        self.spectral_norm = spectral_norm
        self.c1 = _conv(in_channels, self.hidden_channels, 3, spectral_norm)
        self.c2 = _conv(self.hidden_channels, out_channels, 3, spectral_norm)
        nn.init.xavier_uniform_(self.c1.weight, math.sqrt(2.0))
        nn.init.xavier_uniform_(self.c2.weight, math.sqrt(2.0))
        if self.learnable_sc:
            self.c_sc = _conv(in_channels, out_channels, 1, spectral_norm)
            nn.init.xavier_uniform_(self.c_sc.weight, 1.0)

    def forward(self, x):
        """Apply the block to ``x`` (N, C, H, W)."""
        x = F.relu(x)
        h = self.c2(F.relu(self.c1(x)))
        sc = self.c_sc(x) if self.learnable_sc else x
        if self.downsample:
            h, sc = F.avg_pool2d(h, 2), F.avg_pool2d(sc, 2)
        return h + sc


class DBlockOptimized(nn.Module):
    """First discriminator block ``conv3x3-ReLU-conv3x3-avgpool`` plus ``avgpool-conv1x1`` shortcut.

    Shapes: x (N, in_channels, H, W) -> (N, out_channels, H/2, W/2).
    """

    def __init__(self, in_channels, out_channels, spectral_norm=True):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.spectral_norm = spectral_norm
        self.c1 = _conv(in_channels, out_channels, 3, spectral_norm)
        self.c2 = _conv(out_channels, out_channels, 3, spectral_norm)
        self.c_sc = _conv(in_channels, out_channels, 1, spectral_norm)
        nn.init.xavier_uniform_(self.c1.weight, math.sqrt(2.0))
        nn.init.xavier_uniform_(self.c2.weight, math.sqrt(2.0))
        nn.init.xavier_uniform_(self.c_sc.weight, 1.0)

    def forward(self, x):
        """Apply the block to images ``x`` (N, C, H, W)."""
        h = F.avg_pool2d(self.c2(F.relu(self.c1(x))), 2)
        return h + self.c_sc(F.avg_pool2d(x, 2))
