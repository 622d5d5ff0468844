"""DCGAN: convolutional GANs with batch-norm generators and the non-saturating loss
(Radford et al., ICLR 2016), at the layer sizes the literature uses per resolution."""
from torch_gan_zoo.nets.dcgan.base import DCGANBaseDiscriminator, DCGANBaseGenerator, init_dcgan_weights
from torch_gan_zoo.nets.dcgan.dcgan_28 import DCGANDiscriminator28, DCGANGenerator28
from torch_gan_zoo.nets.dcgan.dcgan_32 import DCGANDiscriminator32, DCGANGenerator32
from torch_gan_zoo.nets.dcgan.dcgan_48 import DCGANDiscriminator48, DCGANGenerator48
from torch_gan_zoo.nets.dcgan.dcgan_64 import DCGANDiscriminator64, DCGANGenerator64

__all__ = [
    "DCGANBaseGenerator",
    "DCGANBaseDiscriminator",
    "init_dcgan_weights",
    "DCGANGenerator28",
    "DCGANDiscriminator28",
    "DCGANGenerator32",
    "DCGANDiscriminator32",
    "DCGANGenerator48",
    "DCGANDiscriminator48",
    "DCGANGenerator64",
    "DCGANDiscriminator64",
]
