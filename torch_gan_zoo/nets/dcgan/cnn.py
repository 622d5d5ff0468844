"""The "standard CNN" of Miyato et al. (2018, Table 3), the DCGAN baseline on CIFAR-10 (32 px,
``bottom_width=4``) and STL-10 (48 px, ``bottom_width=6``).

Generator: dense -> bw x bw x ngf, three deconv-BN-ReLU (ngf/2, ngf/4, ngf/8), conv3x3 -> tanh.
Discriminator: conv3x3 ndf/8, conv4x4/2 ndf/8, conv3x3 ndf/4, conv4x4/2 ndf/4, conv3x3 ndf/2,
conv4x4/2 ndf/2, conv3x3 ndf (LeakyReLU 0.1), dense -> 1.
"""
import torch.nn as nn

from torch_gan_zoo.modules import DownConvBlock, UpConvBlock
from torch_gan_zoo.nets.dcgan.base import DCGANBaseDiscriminator, DCGANBaseGenerator, init_dcgan_weights

__all__ = ["StandardCNNGenerator", "StandardCNNDiscriminator"]


class StandardCNNGenerator(DCGANBaseGenerator):
    """z (N, nz) -> images (N, nc, 8*bottom_width, 8*bottom_width) in [-1, 1]."""

    def __init__(self, nz=128, ngf=512, bottom_width=4, nc=3, loss_type="ns"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)
        self.main = nn.Sequential(
            nn.Linear(nz, bottom_width * bottom_width * ngf), nn.Unflatten(1, (ngf, bottom_width, bottom_width)),
            nn.BatchNorm2d(ngf), nn.ReLU(inplace=True),
            UpConvBlock(ngf, ngf // 2), UpConvBlock(ngf // 2, ngf // 4), UpConvBlock(ngf // 4, ngf // 8),
            nn.Conv2d(ngf // 8, nc, 3, 1, 1), nn.Tanh(),
        )
        self.apply(init_dcgan_weights)


class StandardCNNDiscriminator(DCGANBaseDiscriminator):
    """Images (N, nc, H, W) with H = W = ``self.resolution`` -> logits (N, 1)."""

    def __init__(self, ndf=512, nc=3, loss_type="ns"):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type)
        c = [ndf // 8, ndf // 4, ndf // 2]
        bottom = self.resolution // 8
        self.main = nn.Sequential(
            DownConvBlock(nc, c[0], 3, 1), DownConvBlock(c[0], c[0]),
            DownConvBlock(c[0], c[1], 3, 1), DownConvBlock(c[1], c[1]),
            DownConvBlock(c[1], c[2], 3, 1), DownConvBlock(c[2], c[2]),
            DownConvBlock(c[2], ndf, 3, 1), nn.Flatten(), nn.Linear(bottom * bottom * ndf, 1),
        )
        self.apply(init_dcgan_weights)
