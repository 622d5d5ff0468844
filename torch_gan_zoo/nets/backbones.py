"""Network trunks shared by several GAN variants (composition, not copy-paste).

The ResNet trunks are those of SNGAN (Miyato et al., 2018), used with different heads and losses
by WGAN-GP, SSGAN, InfoMax-GAN, cGAN-PD and others. Channel tables per resolution live here once.
"""
import torch
import torch.nn as nn

from torch_gan_zoo.modules import DBlock, DBlockOptimized, GBlock

__all__ = [
    "ResNetGeneratorBackbone",
    "ResNetDiscriminatorBackbone",
    "resnet_generator_channels",
    "resnet_discriminator_channels",
]


def resnet_generator_channels(resolution, ngf):
    """Feature-map widths of the SNGAN ResNet generator, bottom first (one upsampling per step)."""
    tables = {
        32: [ngf, ngf, ngf, ngf],
        48: [ngf, ngf // 2, ngf // 4, ngf // 8],
        64: [ngf, ngf // 2, ngf // 4, ngf // 8, ngf // 16],
        128: [ngf, ngf, ngf // 2, ngf // 4, ngf // 8, ngf // 16],
    }
    if resolution not in tables:
        raise ValueError(f"no ResNet generator table for {resolution}px; have {sorted(tables)}")
    return tables[resolution]


def resnet_discriminator_channels(resolution, ndf):
    """``(widths, downsample flags)`` of the SNGAN ResNet discriminator's blocks, input side first."""
    tables = {
        32: ([ndf, ndf, ndf, ndf], [True, True, False, False]),
        48: ([ndf // 16, ndf // 8, ndf // 4, ndf // 2, ndf], [True, True, True, True, False]),
        64: ([ndf // 16, ndf // 8, ndf // 4, ndf // 2, ndf], [True, True, True, True, True]),
        128: ([ndf // 16, ndf // 8, ndf // 4, ndf // 2, ndf, ndf], [True, True, True, True, True, False]),
    }
    if resolution not in tables:
        raise ValueError(f"no ResNet discriminator table for {resolution}px; have {sorted(tables)}")
    return tables[resolution]


class ResNetGeneratorBackbone(nn.Module):
    """``Linear -> GBlock (x2 up) ... -> BN -> ReLU -> conv3x3 -> tanh``.

    Args:
        nz (int): Noise dimension.
        channels (list[int]): Widths, bottom first; ``len(channels) - 1`` upsampling blocks.
        bottom_width (int): Spatial size after the linear layer.
        nc (int): Output image channels.
        num_classes (int): If > 0, the blocks use class-conditional batch norm.
        spectral_norm (bool): Spectrally normalise the blocks' convolutions.

    Shapes: z (N, nz), y (N,) long if conditional -> images (N, nc, H, W) in [-1, 1] with
    ``H = bottom_width * 2 ** (len(channels) - 1)``.
    """

    def __init__(self, nz, channels, bottom_width, nc=3, num_classes=0, spectral_norm=False):
        super().__init__()
        self.bottom_width = bottom_width
        self.l1 = nn.Linear(nz, bottom_width * bottom_width * channels[0])
        self.blocks = nn.ModuleList(
            GBlock(c_in, c_out, upsample=True, num_classes=num_classes, spectral_norm=spectral_norm)
            for c_in, c_out in zip(channels[:-1], channels[1:])
        )
        self.b_out = nn.BatchNorm2d(channels[-1])
        self.c_out = nn.Conv2d(channels[-1], nc, 3, 1, 1)
        nn.init.xavier_uniform_(self.l1.weight, 1.0)
        nn.init.xavier_uniform_(self.c_out.weight, 1.0)

    def forward(self, z, y=None):
        """Map noise ``z`` (N, nz) (and labels ``y``) to images (N, nc, H, W) in [-1, 1]."""
        h = self.l1(z).view(z.shape[0], -1, self.bottom_width, self.bottom_width)
        for block in self.blocks:
            h = block(h) if y is None else block(h, y)
        return torch.tanh(self.c_out(torch.relu(self.b_out(h))))


class ResNetDiscriminatorBackbone(nn.Module):
    """``DBlockOptimized -> DBlock ... -> ReLU -> global sum pooling``: images to features.

    Args:
        nc (int): Input image channels.
        channels (list[int]): Block widths, input side first.
        downsample (list[bool]): Whether each block halves H and W (the first always does).
        spectral_norm (bool): Spectrally normalise every convolution.

    Shapes: images (N, nc, H, W) -> features (N, channels[-1]).
    """

    def __init__(self, nc, channels, downsample, spectral_norm=True):
        super().__init__()
        if len(channels) != len(downsample) or not downsample[0]:
            raise ValueError("need one downsample flag per block, and the first block downsamples")
        self.out_channels = channels[-1]
        blocks = [DBlockOptimized(nc, channels[0], spectral_norm=spectral_norm)]
        blocks += [
            DBlock(c_in, c_out, downsample=down, spectral_norm=spectral_norm)
            for c_in, c_out, down in zip(channels[:-1], channels[1:], downsample[1:])
        ]
        self.blocks = nn.Sequential(*blocks)

    def forward(self, x):
        """Features (N, C) of images ``x`` (N, nc, H, W): ReLU then sum over H and W."""
        return torch.relu(self.blocks(x)).sum(dim=(2, 3))
