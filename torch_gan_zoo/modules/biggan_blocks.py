"""Blocks of BigGAN (Brock et al., 2019): batch norm conditioned on a vector, the generator block
that uses it, and the self-attention layer of SAGAN (Zhang et al., 2019) that BigGAN inserts at one
resolution.

All take and return NCHW float tensors.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_gan_zoo.modules.layers import maybe_spectral_norm
from torch_gan_zoo.modules.resblocks import GBlock

__all__ = ["LinearConditionalBatchNorm2d", "BigGANGBlock", "SelfAttention2d", "BlockWithAttention"]


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

    def __init__(self, num_features, cond_dim, spectral_norm=True, eps=1e-5, momentum=0.1):
        super().__init__()
        self.num_features = num_features
        self.bn = nn.BatchNorm2d(num_features, eps=eps, momentum=momentum, affine=False)
        self.to_gain = maybe_spectral_norm(nn.Linear(cond_dim, num_features, bias=False), spectral_norm)
        self.to_bias = maybe_spectral_norm(nn.Linear(cond_dim, num_features, bias=False), spectral_norm)

    def forward(self, x, cond):
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

    def __init__(self, in_channels, out_channels, cond_dim, spectral_norm=True):
        super().__init__(in_channels, out_channels, upsample=True, spectral_norm=spectral_norm)
        self.b1 = LinearConditionalBatchNorm2d(in_channels, cond_dim, spectral_norm)
        self.b2 = LinearConditionalBatchNorm2d(out_channels, cond_dim, spectral_norm)
        self.conditional = True


class SelfAttention2d(nn.Module):
    """Self-attention over spatial positions (SAGAN; BigGAN's ``Attention`` layer).

    ``out = x + gamma * o(g(x) softmax(theta(x)^T phi(x)))`` with 1x1 convolutions ``theta``, ``phi``
    (C -> C/8), ``g`` (C -> C/2) and ``o`` (C/2 -> C); ``phi`` and ``g`` are 2x2 max-pooled, and
    ``gamma`` starts at 0 so the layer starts as the identity.

    Args:
        channels (int): Channels C (at least 8).
        spectral_norm (bool): Spectrally normalise the four convolutions.

    Shapes: x (N, C, H, W) with even H and W -> same shape.
    """

    def __init__(self, channels, spectral_norm=True):
        super().__init__()
        if channels < 8:
            raise ValueError(f"self-attention needs at least 8 channels (it projects to C/8), got {channels}")
        self.channels = channels

        def conv(c_in, c_out):
            return maybe_spectral_norm(nn.Conv2d(c_in, c_out, 1, bias=False), spectral_norm)

        self.theta = conv(channels, channels // 8)
        self.phi = conv(channels, channels // 8)
        self.g = conv(channels, channels // 2)
        self.o = conv(channels // 2, channels)
        self.gamma = nn.Parameter(torch.zeros(()))

    def forward(self, x):
        """Add attention-weighted features to ``x`` (N, C, H, W)."""
        n, c, h, w = x.shape
        if h % 2 or w % 2:
            raise ValueError(f"self-attention max-pools by 2, so H and W must be even; got {h}x{w}")
        theta = self.theta(x).view(n, c // 8, h * w)
        phi = F.max_pool2d(self.phi(x), 2).view(n, c // 8, h * w // 4)
        g = F.max_pool2d(self.g(x), 2).view(n, c // 2, h * w // 4)
        beta = F.softmax(torch.bmm(theta.transpose(1, 2), phi), dim=-1)  # (N, HW, HW/4)
        o = self.o(torch.bmm(g, beta.transpose(1, 2)).view(n, c // 2, h, w))
        return x + self.gamma * o


class BlockWithAttention(nn.Module):
    """A block followed by a :class:`SelfAttention2d`: ``attention(block(x, *cond))``.

    Lets a trunk that calls its blocks as ``block(h, cond)`` place attention after one of them.
    """

    def __init__(self, block, attention):
        super().__init__()
        self.block = block
        self.attention = attention

    def forward(self, x, *cond):
        """Apply the block (with any conditioning inputs), then self-attention."""
        return self.attention(self.block(x, *cond))
