"""Self-attention over the positions of a feature map (Zhang et al., Self-Attention GANs, ICML 2019).

The layout is that of the official SAGAN code (and BigGAN's): query and key projections to C/8
channels, a value projection to C/2 channels, keys and values max-pooled 2x2 (a quarter of the
positions), an output 1x1 convolution back to C channels, and a learnt gate ``gamma`` that starts at 0
so the block is the identity at initialisation.
"""

from __future__ import annotations
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_gan_zoo.modules.layers import maybe_spectral_norm

__all__ = ["SelfAttention"]


def _conv1x1(in_channels, out_channels, spectral_norm):
    conv = nn.Conv2d(in_channels, out_channels, 1, 1, 0, bias=False)
    nn.init.xavier_uniform_(conv.weight)
    return maybe_spectral_norm(conv, spectral_norm)


class SelfAttention(nn.Module):
    """``x + gamma * o(softmax(theta(x)^T phi(x)) g(x))`` over all H*W positions.

    Args:
        channels (int): Channels C of the input (at least 8).
        spectral_norm (bool): Spectrally normalise the four 1x1 convolutions (SAGAN does in G and D).

    Shapes:
        x: float (N, C, H, W) with H and W even (keys and values are max-pooled 2x2);
        output: like x. ``attention_map(x)`` gives the weights, (N, H*W, H*W/4), rows summing to 1.
    """

    def __init__(self, channels: int, spectral_norm: bool = True) -> None:
        super().__init__()
        if channels < 8:
            raise ValueError(f"SelfAttention needs at least 8 channels (it projects to channels // 8), got {channels}")
        self.channels = channels
        self.theta = _conv1x1(channels, channels // 8, spectral_norm)
        self.phi = _conv1x1(channels, channels // 8, spectral_norm)
        self.g = _conv1x1(channels, channels // 2, spectral_norm)
        self.o = _conv1x1(channels // 2, channels, spectral_norm)
        self.gamma = nn.Parameter(torch.zeros(()))

    def _check(self, x):
        if x.dim() != 4 or x.shape[1] != self.channels or x.shape[2] % 2 or x.shape[3] % 2:
            raise ValueError(f"SelfAttention({self.channels}) expects (N, {self.channels}, H, W) with even H and W, "
                             f"got {tuple(x.shape)}")

    def attention_map(self, x: torch.Tensor) -> torch.Tensor:
        """Attention weights (N, H*W, H*W/4): row ``q`` holds how much query position ``q`` reads from
        each pooled key position; every row sums to 1."""
        self._check(x)
        query = self.theta(x).flatten(2)  # (N, C/8, HW)
        key = F.max_pool2d(self.phi(x), 2).flatten(2)  # (N, C/8, HW/4)
        return torch.softmax(torch.bmm(query.transpose(1, 2), key), dim=-1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Add the gated attention output to ``x`` (N, C, H, W)."""
        attention = self.attention_map(x)
        value = F.max_pool2d(self.g(x), 2).flatten(2)  # (N, C/2, HW/4)
        out = torch.bmm(value, attention.transpose(1, 2).to(value.dtype))  # (N, C/2, HW)
        out = self.o(out.reshape(x.shape[0], self.channels // 2, x.shape[2], x.shape[3]))
        return x + self.gamma * out
