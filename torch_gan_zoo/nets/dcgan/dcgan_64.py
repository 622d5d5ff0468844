"""DCGAN at 64x64 (CelebA, LSUN): the networks of Radford et al. (2016). Generator: project to
4x4xngf, four deconv-BN-ReLU up to 32x32, deconv -> tanh. Discriminator: four conv4x4/2 with
LeakyReLU 0.2 (ndf/8 .. ndf), conv4x4 -> 1 (without batch norm, see ``dcgan.base``)."""
import torch.nn as nn

from torch_gan_zoo.modules import DownConvBlock, UpConvBlock
from torch_gan_zoo.nets.dcgan.base import PAPER, DCGANBaseDiscriminator, DCGANBaseGenerator, init_dcgan_weights
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["DCGANGenerator64", "DCGANDiscriminator64"]


@register_generator("dcgan", 64, paper=PAPER)
class DCGANGenerator64(DCGANBaseGenerator):
    """z (N, nz) -> images (N, nc, 64, 64) in [-1, 1]. ``ngf``: width at 4x4 (default 512)."""

    def __init__(self, nz=100, ngf=512, bottom_width=4, nc=3, loss_type="ns"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)
        self.main = nn.Sequential(
            nn.Linear(nz, bottom_width * bottom_width * ngf), nn.Unflatten(1, (ngf, bottom_width, bottom_width)),
            nn.BatchNorm2d(ngf), nn.ReLU(inplace=True),
            UpConvBlock(ngf, ngf // 2), UpConvBlock(ngf // 2, ngf // 4), UpConvBlock(ngf // 4, ngf // 8),
            nn.ConvTranspose2d(ngf // 8, nc, 4, 2, 1), nn.Tanh(),
        )
        self.apply(init_dcgan_weights)


@register_discriminator("dcgan", 64, paper=PAPER)
class DCGANDiscriminator64(DCGANBaseDiscriminator):
    """Images (N, nc, 64, 64) -> logits (N, 1). ``ndf``: width at 4x4 (default 512)."""

    def __init__(self, ndf=512, nc=3, loss_type="ns"):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type)
        self.main = nn.Sequential(
            DownConvBlock(nc, ndf // 8, negative_slope=0.2), DownConvBlock(ndf // 8, ndf // 4, negative_slope=0.2),
            DownConvBlock(ndf // 4, ndf // 2, negative_slope=0.2), DownConvBlock(ndf // 2, ndf, negative_slope=0.2),
            nn.Conv2d(ndf, 1, 4, 1, 0), nn.Flatten(),
        )
        self.apply(init_dcgan_weights)
