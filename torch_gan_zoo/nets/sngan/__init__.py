"""SNGAN: spectrally normalised ResNet GAN with hinge loss (Miyato et al., ICLR 2018)."""
from torch_gan_zoo.nets.sngan.base import SNGANBaseDiscriminator, SNGANBaseGenerator
from torch_gan_zoo.nets.sngan.sngan_32 import SNGANDiscriminator32, SNGANGenerator32
from torch_gan_zoo.nets.sngan.sngan_48 import SNGANDiscriminator48, SNGANGenerator48
from torch_gan_zoo.nets.sngan.sngan_64 import SNGANDiscriminator64, SNGANGenerator64
from torch_gan_zoo.nets.sngan.sngan_128 import SNGANDiscriminator128, SNGANGenerator128

__all__ = [
    "SNGANBaseGenerator",
    "SNGANBaseDiscriminator",
    "SNGANGenerator32",
    "SNGANDiscriminator32",
    "SNGANGenerator48",
    "SNGANDiscriminator48",
    "SNGANGenerator64",
    "SNGANDiscriminator64",
    "SNGANGenerator128",
    "SNGANDiscriminator128",
]
