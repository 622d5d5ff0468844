"""SNGAN: spectrally normalised ResNet GAN with hinge loss (Miyato et al., ICLR 2018).

SNGAN's networks: a ResNet generator and a spectrally normalised ResNet discriminator with a linear
head, at 32, 48, 64 or 128 px (``resolution=``; sizes from
:data:`~torch_gan_zoo.nets.backbones.RESNET_GENERATOR_DEFAULTS`).
SNGAN trains with the standard train steps; only the architecture (and the hinge loss default) differs
from the base classes.
"""
from __future__ import annotations

import torch

from torch_gan_zoo.nets.backbones import (
    RESNET_GENERATOR_DEFAULTS,
    ResNetDiscriminator,
    ResNetGeneratorBackbone,
    resnet_generator_channels,
)
from torch_gan_zoo.nets.gan import BaseGenerator
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.table import FROM_TABLE, table_defaults

PAPER = "Miyato et al., Spectral Normalization for Generative Adversarial Networks, ICLR 2018"

__all__ = ["SNGANGenerator", "SNGANDiscriminator", "SNGANBaseGenerator", "SNGANBaseDiscriminator", "PAPER"]


class SNGANGenerator(BaseGenerator):
    """SNGAN ResNet generator: z (N, nz) -> images (N, nc, resolution, resolution) in [-1, 1].

    Args:
        nz: Noise dimension. ngf: Width of the first block. bottom_width: Size of the first feature map.
        nc: Image channels. loss_type: Adversarial loss (default ``'hinge'``, the paper's best results).
        resolution: 32, 48, 64 or 128 (default: the class attribute ``resolution``); arguments left at
            ``FROM_TABLE`` take that row of :attr:`resolution_defaults`.
    """

    resolution_defaults = RESNET_GENERATOR_DEFAULTS

    def __init__(self, nz: int = 128, ngf: int = FROM_TABLE, bottom_width: int = FROM_TABLE, nc: int = 3,
                 loss_type: str = "hinge", *, resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, ngf=ngf, bottom_width=bottom_width)
        super().__init__(nz=nz, loss_type=loss_type, **sizes)
        self.nc, self.resolution = nc, resolution
        channels = resnet_generator_channels(resolution, self.ngf)
        self.backbone = ResNetGeneratorBackbone(nz, channels, self.bottom_width, nc)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Images (N, nc, H, W) in [-1, 1] from noise ``z`` (N, nz)."""
        return self.backbone(z)


class SNGANDiscriminator(ResNetDiscriminator):
    """SNGAN ResNet discriminator: spectrally normalised blocks, ReLU, global sum pooling, linear.

    Args:
        ndf: Width of the last block. nc: Image channels. loss_type: Adversarial loss (default ``'hinge'``).
        resolution: 32, 48, 64 or 128 (see :class:`SNGANGenerator`).

    ``forward(x)``: images (N, nc, resolution, resolution) -> logits (N, 1).
    """

    def __init__(self, ndf: int = FROM_TABLE, nc: int = 3, loss_type: str = "hinge", *, resolution: int | None = None):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, resolution=resolution)


#: Earlier names of the two classes (subclasses written for them keep working).
SNGANBaseGenerator, SNGANBaseDiscriminator = SNGANGenerator, SNGANDiscriminator

__all__.extend(register_builtin_variant(__name__, "sngan", SNGANGenerator, SNGANDiscriminator, PAPER))
