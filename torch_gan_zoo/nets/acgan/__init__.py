"""ACGAN: a discriminator with an auxiliary classifier (Odena et al., ICML 2017), on the SN ResNet trunk."""
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.acgan.base import (
    ACGANBaseDiscriminator,
    ACGANDiscriminator,
    ACGANGenerator,
    PAPER,
)

__all__ = ["ACGANGenerator", "ACGANDiscriminator", "ACGANBaseDiscriminator"]
__all__ += register_builtin_variant(__name__, "acgan", ACGANGenerator, ACGANDiscriminator, PAPER)
