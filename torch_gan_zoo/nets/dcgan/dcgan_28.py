"""DCGAN at 28x28 (MNIST, Fashion-MNIST): the InfoGAN paper's MNIST networks (Chen et al., 2016),
grayscale by default. Generator: FC 1024, FC 7x7x128, deconv 64, deconv 1. Discriminator: conv 64,
conv 128, FC 1024, FC 1 (LeakyReLU 0.1)."""
import torch.nn as nn

from torch_gan_zoo.modules import DownConvBlock, UpConvBlock
from torch_gan_zoo.nets.dcgan.base import PAPER, DCGANBaseDiscriminator, DCGANBaseGenerator, init_dcgan_weights
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["DCGANGenerator28", "DCGANDiscriminator28"]


@register_generator("dcgan", 28, paper=PAPER)
class DCGANGenerator28(DCGANBaseGenerator):
    """z (N, nz) -> images (N, nc, 28, 28) in [-1, 1]. ``ngf``: width at 7x7 (default 128)."""

    def __init__(self, nz=62, ngf=128, bottom_width=7, nc=1, loss_type="ns"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)
        hidden = 8 * ngf
        self.main = nn.Sequential(
            nn.Linear(nz, hidden), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True),
            nn.Linear(hidden, bottom_width * bottom_width * ngf), nn.BatchNorm1d(bottom_width * bottom_width * ngf),
            nn.ReLU(inplace=True), nn.Unflatten(1, (ngf, bottom_width, bottom_width)),
            UpConvBlock(ngf, ngf // 2),
            nn.ConvTranspose2d(ngf // 2, nc, 4, 2, 1), nn.Tanh(),
        )
        self.apply(init_dcgan_weights)


@register_discriminator("dcgan", 28, paper=PAPER)
class DCGANDiscriminator28(DCGANBaseDiscriminator):
    """Images (N, nc, 28, 28) -> logits (N, 1). ``ndf``: width at 7x7 (default 128)."""

    def __init__(self, ndf=128, nc=1, loss_type="ns"):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type)
        hidden = 8 * ndf
        self.main = nn.Sequential(
            DownConvBlock(nc, ndf // 2), DownConvBlock(ndf // 2, ndf), nn.Flatten(),
            nn.Linear(7 * 7 * ndf, hidden), nn.LeakyReLU(0.1, inplace=True), nn.Linear(hidden, 1),
        )
        self.apply(init_dcgan_weights)
