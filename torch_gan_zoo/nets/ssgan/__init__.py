"""SSGAN: a spectrally normalised ResNet GAN whose discriminator also predicts image rotations
(Chen et al., Self-Supervised GANs via Auxiliary Rotation Loss, CVPR 2019)."""
from torch_gan_zoo.nets.ssgan.base import SSGANBaseDiscriminator, SSGANBaseGenerator, rotate_quarters
from torch_gan_zoo.nets.ssgan.ssgan_32 import SSGANDiscriminator32, SSGANGenerator32
from torch_gan_zoo.nets.ssgan.ssgan_48 import SSGANDiscriminator48, SSGANGenerator48
from torch_gan_zoo.nets.ssgan.ssgan_64 import SSGANDiscriminator64, SSGANGenerator64
from torch_gan_zoo.nets.ssgan.ssgan_128 import SSGANDiscriminator128, SSGANGenerator128

__all__ = [
    "SSGANBaseGenerator",
    "SSGANBaseDiscriminator",
    "rotate_quarters",
    "SSGANGenerator32",
    "SSGANDiscriminator32",
    "SSGANGenerator48",
    "SSGANDiscriminator48",
    "SSGANGenerator64",
    "SSGANDiscriminator64",
    "SSGANGenerator128",
    "SSGANDiscriminator128",
]
