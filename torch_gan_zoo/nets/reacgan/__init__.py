"""ReACGAN: ACGAN rebooted with the data-to-data cross-entropy (Kang et al., NeurIPS 2021), on BigGAN's networks."""
from torch_gan_zoo.nets.reacgan.reacgan_32 import ReACGANDiscriminator32, ReACGANGenerator32
from torch_gan_zoo.nets.reacgan.reacgan_48 import ReACGANDiscriminator48, ReACGANGenerator48
from torch_gan_zoo.nets.reacgan.reacgan_64 import ReACGANDiscriminator64, ReACGANGenerator64
from torch_gan_zoo.nets.reacgan.reacgan_128 import ReACGANDiscriminator128, ReACGANGenerator128
from torch_gan_zoo.nets.reacgan.base import ReACGANBaseDiscriminator

__all__ = [
    "ReACGANBaseDiscriminator",
    "ReACGANGenerator32",
    "ReACGANDiscriminator32",
    "ReACGANGenerator48",
    "ReACGANDiscriminator48",
    "ReACGANGenerator64",
    "ReACGANDiscriminator64",
    "ReACGANGenerator128",
    "ReACGANDiscriminator128",
]
