"""``torch_mimicry.nets.wgan_gp.wgan_gp_resblocks``: WGAN-GP's blocks: no spectral norm by default,
and a plain (never spectrally normalised) 1x1 shortcut convolution."""
import torch.nn as nn

from torch_gan_zoo.mimicry.modules import resblocks

__all__ = ["GBlock", "DBlock", "DBlockOptimized"]


class GBlock(resblocks.GBlock):
    """:class:`torch_gan_zoo.mimicry.modules.resblocks.GBlock` with a plain shortcut convolution."""

    def __init__(self, in_channels, out_channels, hidden_channels=None, upsample=False, num_classes=0,
                 spectral_norm=False, **kwargs):
        super().__init__(in_channels=in_channels, out_channels=out_channels, hidden_channels=hidden_channels,
                         upsample=upsample, num_classes=num_classes, spectral_norm=spectral_norm)
        if self.learnable_sc:
            self.c_sc = nn.Conv2d(self.in_channels, self.out_channels, 1, 1, padding=0)


class DBlock(resblocks.DBlock):
    """:class:`torch_gan_zoo.mimicry.modules.resblocks.DBlock` without spectral norm by default and a
    plain shortcut convolution."""

    def __init__(self, in_channels, out_channels, hidden_channels=None, downsample=False, spectral_norm=False,
                 **kwargs):
        super().__init__(in_channels=in_channels, out_channels=out_channels, hidden_channels=hidden_channels,
                         downsample=downsample, spectral_norm=spectral_norm)
        if self.learnable_sc:
            self.c_sc = nn.Conv2d(self.in_channels, self.out_channels, 1, 1, 0)
        self.norm1 = None
        self.norm2 = None


class DBlockOptimized(resblocks.DBlockOptimized):
    """:class:`torch_gan_zoo.mimicry.modules.resblocks.DBlockOptimized` without spectral norm by
    default and a plain shortcut convolution."""

    def __init__(self, in_channels, out_channels, spectral_norm=False, **kwargs):
        super().__init__(in_channels=in_channels, out_channels=out_channels, spectral_norm=spectral_norm)
        self.c_sc = nn.Conv2d(self.in_channels, self.out_channels, 1, 1, 0)
