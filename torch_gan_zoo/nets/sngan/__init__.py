"""SNGAN: spectrally normalised ResNet GAN with hinge loss (Miyato et al., ICLR 2018)."""
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.sngan.base import (
    PAPER,
    SNGANBaseDiscriminator,
    SNGANBaseGenerator,
    SNGANDiscriminator,
    SNGANGenerator,
)

__all__ = ["SNGANGenerator", "SNGANDiscriminator", "SNGANBaseGenerator", "SNGANBaseDiscriminator"]
__all__ += register_builtin_variant(__name__, "sngan", SNGANGenerator, SNGANDiscriminator, PAPER)
