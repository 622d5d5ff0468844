"""LSGAN: the least-squares GAN loss (Mao et al., ICCV 2017) on the library's ResNet trunk."""
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.lsgan.base import (
    LSGANBaseDiscriminator,
    LSGANBaseGenerator,
    LSGANDiscriminator,
    LSGANGenerator,
    PAPER,
)

__all__ = ["LSGANGenerator", "LSGANDiscriminator", "LSGANBaseGenerator", "LSGANBaseDiscriminator"]
__all__ += register_builtin_variant(__name__, "lsgan", LSGANGenerator, LSGANDiscriminator, PAPER)
