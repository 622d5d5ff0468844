"""SAGAN: ResNet GAN with self-attention and spectral normalisation in both networks
(Zhang et al., Self-Attention Generative Adversarial Networks, ICML 2019)."""
from torch_gan_zoo.nets.sagan.base import SAGANBaseDiscriminator, SAGANBaseGenerator
from torch_gan_zoo.nets.sagan.sagan_32 import SAGANDiscriminator32, SAGANGenerator32
from torch_gan_zoo.nets.sagan.sagan_48 import SAGANDiscriminator48, SAGANGenerator48
from torch_gan_zoo.nets.sagan.sagan_64 import SAGANDiscriminator64, SAGANGenerator64
from torch_gan_zoo.nets.sagan.sagan_128 import SAGANDiscriminator128, SAGANGenerator128

__all__ = [
    "SAGANBaseGenerator",
    "SAGANBaseDiscriminator",
    "SAGANGenerator32",
    "SAGANDiscriminator32",
    "SAGANGenerator48",
    "SAGANDiscriminator48",
    "SAGANGenerator64",
    "SAGANDiscriminator64",
    "SAGANGenerator128",
    "SAGANDiscriminator128",
]
