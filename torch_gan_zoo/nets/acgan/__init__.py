"""ACGAN: a discriminator with an auxiliary classifier (Odena et al., ICML 2017), on the SN ResNet trunk."""
from torch_gan_zoo.nets.acgan.acgan_32 import ACGANDiscriminator32, ACGANGenerator32
from torch_gan_zoo.nets.acgan.acgan_48 import ACGANDiscriminator48, ACGANGenerator48
from torch_gan_zoo.nets.acgan.acgan_64 import ACGANDiscriminator64, ACGANGenerator64
from torch_gan_zoo.nets.acgan.acgan_128 import ACGANDiscriminator128, ACGANGenerator128
from torch_gan_zoo.nets.acgan.base import ACGANBaseDiscriminator

__all__ = [
    "ACGANBaseDiscriminator",
    "ACGANGenerator32",
    "ACGANDiscriminator32",
    "ACGANGenerator48",
    "ACGANDiscriminator48",
    "ACGANGenerator64",
    "ACGANDiscriminator64",
    "ACGANGenerator128",
    "ACGANDiscriminator128",
]
