"""cGAN-PD: conditional batch norm generator and projection discriminator (Miyato & Koyama, ICLR 2018).

The SNGAN ResNet generator with
class-conditional batch norm, and the spectrally normalised SNGAN ResNet discriminator whose output
adds the projection ``<embed(y), h>`` to a linear logit. Hinge loss; standard train steps.

The layer sizes and the preset are Mimicry's cGAN-PD (which match the paper's CIFAR-10 settings).
"""
from __future__ import annotations

import torch

from torch_gan_zoo.modules.projection import ProjectionHead
from torch_gan_zoo.nets.auxiliary import AuxiliaryLossGenerator
from torch_gan_zoo.nets.backbones import (
    RESNET_DISCRIMINATOR_DEFAULTS,
    RESNET_GENERATOR_DEFAULTS,
    ResNetDiscriminatorBackbone,
    ResNetGeneratorBackbone,
    resnet_discriminator_channels,
    resnet_generator_channels,
)
from torch_gan_zoo.nets.cgan import BaseConditionalDiscriminator
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.table import FROM_TABLE, table_defaults, with_columns

PAPER = "Miyato & Koyama, cGANs with Projection Discriminator, ICLR 2018"

__all__ = ["CGANPDGenerator", "CGANPDDiscriminator", "CGANPDBaseGenerator", "CGANPDBaseDiscriminator",
           "CONDITIONAL_GENERATOR_DEFAULTS", "CONDITIONAL_DISCRIMINATOR_DEFAULTS", "PAPER"]

#: The SNGAN ResNet sizes with the number of classes: CIFAR-10's 10 at 32 and 48 px, ImageNet's 1000 above.
NUM_CLASSES = {32: 10, 48: 10, 64: 1000, 128: 1000}
CONDITIONAL_GENERATOR_DEFAULTS = with_columns(RESNET_GENERATOR_DEFAULTS, num_classes=NUM_CLASSES)
CONDITIONAL_DISCRIMINATOR_DEFAULTS = with_columns(RESNET_DISCRIMINATOR_DEFAULTS, num_classes=NUM_CLASSES)


class CGANPDGenerator(AuxiliaryLossGenerator):
    """SNGAN ResNet generator with class-conditional batch norm.

    Args:
        nz (int): Noise dimension. ngf (int): Width of the first block.
        bottom_width (int): Size of the first feature map. num_classes (int): Number of classes.
        nc (int): Image channels. loss_type (str): Adversarial loss (default ``'hinge'``).
        resolution (int): 32, 48, 64 or 128; ``FROM_TABLE`` arguments take that row of :attr:`resolution_defaults`.

    ``forward(z, y)``: z (N, nz), y (N,) long -> images (N, nc, resolution, resolution) in [-1, 1].
    """

    resolution_defaults = CONDITIONAL_GENERATOR_DEFAULTS

    def __init__(self, nz: int = 128, ngf: int = FROM_TABLE, bottom_width: int = FROM_TABLE,
                 num_classes: int = FROM_TABLE, nc: int = 3, loss_type: str = "hinge", *,
                 resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, ngf=ngf, bottom_width=bottom_width,
                                           num_classes=num_classes)
        super().__init__(nz=nz, loss_type=loss_type, **sizes)
        self.nc, self.resolution = nc, resolution
        self.backbone = ResNetGeneratorBackbone(nz, resnet_generator_channels(resolution, self.ngf), self.bottom_width,
                                                nc, num_classes=self.num_classes)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Images (N, nc, H, W) in [-1, 1] of classes ``y`` (N,) from noise ``z`` (N, nz)."""
        return self.backbone(z, y)


class CGANPDDiscriminator(BaseConditionalDiscriminator):
    """Projection discriminator: spectrally normalised SNGAN ResNet trunk, global sum pooling, then
    :class:`~torch_gan_zoo.modules.projection.ProjectionHead`.

    Args:
        ndf (int): Width of the last block. num_classes (int): Number of classes.
        nc (int): Image channels. loss_type (str): Adversarial loss (default ``'hinge'``).
        resolution (int): 32, 48, 64 or 128 (see :class:`CGANPDGenerator`).

    ``forward(x, y)``: images (N, nc, resolution, resolution), y (N,) long -> logits (N, 1).
    """

    resolution_defaults = CONDITIONAL_DISCRIMINATOR_DEFAULTS

    def __init__(self, ndf: int = FROM_TABLE, num_classes: int = FROM_TABLE, nc: int = 3, loss_type: str = "hinge",
                 *, resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, ndf=ndf, num_classes=num_classes)
        super().__init__(loss_type=loss_type, **sizes)
        self.nc, self.resolution = nc, resolution
        channels, downsample = resnet_discriminator_channels(resolution, self.ndf)
        self.backbone = ResNetDiscriminatorBackbone(nc, channels, downsample, spectral_norm=True)
        self.head = ProjectionHead(channels[-1], self.num_classes)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Logits (N, 1) of images ``x`` (N, nc, H, W) for classes ``y`` (N,)."""
        return self.head(self.backbone(x), y)


CGANPDBaseGenerator, CGANPDBaseDiscriminator = CGANPDGenerator, CGANPDDiscriminator  # earlier names

__all__.extend(register_builtin_variant(__name__, "cgan_pd", CGANPDGenerator, CGANPDDiscriminator, PAPER))
