"""DCGAN: convolutional GANs with batch-norm generators and the non-saturating loss
(Radford et al., ICLR 2016), at the layer sizes the literature uses per resolution."""
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.dcgan.base import (
    DCGANBaseDiscriminator,
    DCGANBaseGenerator,
    DCGANDiscriminator,
    DCGANGenerator,
    PAPER,
    init_dcgan_weights,
)

__all__ = ["DCGANGenerator", "DCGANDiscriminator", "DCGANBaseGenerator", "DCGANBaseDiscriminator", "init_dcgan_weights"]
__all__ += register_builtin_variant(__name__, "dcgan", DCGANGenerator, DCGANDiscriminator, PAPER)
