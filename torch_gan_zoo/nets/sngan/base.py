"""What SNGAN's resolutions share: a ResNet generator and a spectrally normalised ResNet
discriminator with a linear head. SNGAN trains with the standard train steps; only the
architecture (and the hinge loss default) differs from the base classes."""
import torch.nn as nn

from torch_gan_zoo.modules import SNLinear
from torch_gan_zoo.nets.backbones import (
    ResNetDiscriminatorBackbone,
    ResNetGeneratorBackbone,
    resnet_discriminator_channels,
    resnet_generator_channels,
)
from torch_gan_zoo.nets.gan import BaseDiscriminator, BaseGenerator

PAPER = "Miyato et al., Spectral Normalization for Generative Adversarial Networks, ICLR 2018"

__all__ = ["SNGANBaseGenerator", "SNGANBaseDiscriminator", "PAPER"]


class SNGANBaseGenerator(BaseGenerator):
    """SNGAN ResNet generator at the class attribute ``resolution`` (set by registration).

    Args:
        nz (int): Noise dimension. ngf (int): Width of the first block.
        bottom_width (int): Size of the first feature map. nc (int): Image channels.
        loss_type (str): Adversarial loss (default ``'hinge'``, as in the paper's best results).

    ``forward(z)``: z (N, nz) -> images (N, nc, resolution, resolution) in [-1, 1].
    """

    def __init__(self, nz, ngf, bottom_width, nc=3, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type)
        self.nc = nc
        self.backbone = ResNetGeneratorBackbone(nz, resnet_generator_channels(self.resolution, ngf), bottom_width, nc)

    def forward(self, z):
        """Images (N, nc, H, W) in [-1, 1] from noise ``z`` (N, nz)."""
        return self.backbone(z)


class SNGANBaseDiscriminator(BaseDiscriminator):
    """SNGAN ResNet discriminator: spectrally normalised blocks, ReLU, global sum pooling, linear.

    Args:
        ndf (int): Width of the last block. nc (int): Image channels.
        loss_type (str): Adversarial loss (default ``'hinge'``).

    ``forward(x)``: images (N, nc, resolution, resolution) -> logits (N, 1).
    """

    def __init__(self, ndf, nc=3, loss_type="hinge"):
        super().__init__(ndf=ndf, loss_type=loss_type)
        self.nc = nc
        channels, downsample = resnet_discriminator_channels(self.resolution, ndf)
        self.backbone = ResNetDiscriminatorBackbone(nc, channels, downsample, spectral_norm=True)
        self.l_out = SNLinear(channels[-1], 1)
        nn.init.xavier_uniform_(self.l_out.parametrizations.weight.original, 1.0)

    def forward(self, x):
        """Logits (N, 1) of images ``x`` (N, nc, H, W)."""
        return self.l_out(self.backbone(x))
