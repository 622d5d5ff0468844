"""What cGAN-PD's resolutions share (Miyato & Koyama, 2018): the SNGAN ResNet generator with
class-conditional batch norm, and the spectrally normalised SNGAN ResNet discriminator whose output
adds the projection ``<embed(y), h>`` to a linear logit. Hinge loss; standard train steps.

The layer sizes and the preset are Mimicry's cGAN-PD (which match the paper's CIFAR-10 settings).
"""
from torch_gan_zoo.modules.projection import ProjectionHead
from torch_gan_zoo.nets.auxiliary import AuxiliaryLossGenerator
from torch_gan_zoo.nets.backbones import (
    ResNetDiscriminatorBackbone,
    ResNetGeneratorBackbone,
    resnet_discriminator_channels,
    resnet_generator_channels,
)
from torch_gan_zoo.nets.cgan import BaseConditionalDiscriminator

PAPER = "Miyato & Koyama, cGANs with Projection Discriminator, ICLR 2018"

__all__ = ["CGANPDBaseGenerator", "CGANPDBaseDiscriminator", "PAPER"]


class CGANPDBaseGenerator(AuxiliaryLossGenerator):
    """SNGAN ResNet generator with class-conditional batch norm, at the class attribute ``resolution``.

    Args:
        nz (int): Noise dimension. ngf (int): Width of the first block.
        bottom_width (int): Size of the first feature map. num_classes (int): Number of classes.
        nc (int): Image channels. loss_type (str): Adversarial loss (default ``'hinge'``).

    ``forward(z, y)``: z (N, nz), y (N,) long -> images (N, nc, resolution, resolution) in [-1, 1].
    """

    def __init__(self, nz, ngf, bottom_width, num_classes, nc=3, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, num_classes=num_classes, loss_type=loss_type)
        self.nc = nc
        self.backbone = ResNetGeneratorBackbone(nz, resnet_generator_channels(self.resolution, ngf), bottom_width, nc,
                                                num_classes=num_classes)

    def forward(self, z, y):
        """Images (N, nc, H, W) in [-1, 1] of classes ``y`` (N,) from noise ``z`` (N, nz)."""
        return self.backbone(z, y)


class CGANPDBaseDiscriminator(BaseConditionalDiscriminator):
    """Projection discriminator: spectrally normalised SNGAN ResNet trunk, global sum pooling, then
    :class:`~torch_gan_zoo.modules.projection.ProjectionHead`.

    Args:
        ndf (int): Width of the last block. num_classes (int): Number of classes.
        nc (int): Image channels. loss_type (str): Adversarial loss (default ``'hinge'``).

    ``forward(x, y)``: images (N, nc, resolution, resolution), y (N,) long -> logits (N, 1).
    """

    def __init__(self, ndf, num_classes, nc=3, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, loss_type=loss_type)
        self.nc = nc
        channels, downsample = resnet_discriminator_channels(self.resolution, ndf)
        self.backbone = ResNetDiscriminatorBackbone(nc, channels, downsample, spectral_norm=True)
        self.head = ProjectionHead(channels[-1], num_classes)

    def forward(self, x, y):
        """Logits (N, 1) of images ``x`` (N, nc, H, W) for classes ``y`` (N,)."""
        return self.head(self.backbone(x), y)
