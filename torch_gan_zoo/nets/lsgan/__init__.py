"""LSGAN: the least-squares GAN loss (Mao et al., ICCV 2017) on the library's ResNet trunk."""
from torch_gan_zoo.nets.lsgan.base import LSGANBaseDiscriminator, LSGANBaseGenerator
from torch_gan_zoo.nets.lsgan.lsgan_32 import LSGANDiscriminator32, LSGANGenerator32
from torch_gan_zoo.nets.lsgan.lsgan_48 import LSGANDiscriminator48, LSGANGenerator48
from torch_gan_zoo.nets.lsgan.lsgan_64 import LSGANDiscriminator64, LSGANGenerator64
from torch_gan_zoo.nets.lsgan.lsgan_128 import LSGANDiscriminator128, LSGANGenerator128

__all__ = [
    "LSGANBaseGenerator",
    "LSGANBaseDiscriminator",
    "LSGANGenerator32",
    "LSGANDiscriminator32",
    "LSGANGenerator48",
    "LSGANDiscriminator48",
    "LSGANGenerator64",
    "LSGANDiscriminator64",
    "LSGANGenerator128",
    "LSGANDiscriminator128",
]
