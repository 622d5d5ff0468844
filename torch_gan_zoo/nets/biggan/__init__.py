"""BigGAN: shared class embedding, hierarchical latent, orthogonal regularisation (Brock et al., ICLR 2019)."""
from torch_gan_zoo.nets.biggan.base import BigGANBaseDiscriminator, BigGANBaseGenerator, biggan_discriminator_trunk
from torch_gan_zoo.nets.biggan.biggan_32 import BigGANDiscriminator32, BigGANGenerator32
from torch_gan_zoo.nets.biggan.biggan_48 import BigGANDiscriminator48, BigGANGenerator48
from torch_gan_zoo.nets.biggan.biggan_64 import BigGANDiscriminator64, BigGANGenerator64
from torch_gan_zoo.nets.biggan.biggan_128 import BigGANDiscriminator128, BigGANGenerator128

__all__ = [
    "BigGANBaseGenerator",
    "BigGANBaseDiscriminator",
    "biggan_discriminator_trunk",
    "BigGANGenerator32",
    "BigGANDiscriminator32",
    "BigGANGenerator48",
    "BigGANDiscriminator48",
    "BigGANGenerator64",
    "BigGANDiscriminator64",
    "BigGANGenerator128",
    "BigGANDiscriminator128",
]
