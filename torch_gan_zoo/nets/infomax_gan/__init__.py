"""InfoMax-GAN: SNGAN plus an InfoNCE loss between the discriminator's local and global
features (Lee et al., WACV 2021)."""
from torch_gan_zoo.nets.infomax_gan.base import FeatureProjection, InfoMaxGANBaseDiscriminator, InfoMaxGANBaseGenerator
from torch_gan_zoo.nets.infomax_gan.infomax_gan_32 import InfoMaxGANDiscriminator32, InfoMaxGANGenerator32
from torch_gan_zoo.nets.infomax_gan.infomax_gan_48 import InfoMaxGANDiscriminator48, InfoMaxGANGenerator48
from torch_gan_zoo.nets.infomax_gan.infomax_gan_64 import InfoMaxGANDiscriminator64, InfoMaxGANGenerator64
from torch_gan_zoo.nets.infomax_gan.infomax_gan_128 import InfoMaxGANDiscriminator128, InfoMaxGANGenerator128

__all__ = [
    "InfoMaxGANBaseGenerator",
    "InfoMaxGANBaseDiscriminator",
    "FeatureProjection",
    "InfoMaxGANGenerator32",
    "InfoMaxGANDiscriminator32",
    "InfoMaxGANGenerator48",
    "InfoMaxGANDiscriminator48",
    "InfoMaxGANGenerator64",
    "InfoMaxGANDiscriminator64",
    "InfoMaxGANGenerator128",
    "InfoMaxGANDiscriminator128",
]
