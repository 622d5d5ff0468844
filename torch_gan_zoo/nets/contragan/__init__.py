"""ContraGAN: contrastive learning for conditional generation (Kang & Park, NeurIPS 2020), on BigGAN's networks."""
from torch_gan_zoo.nets.contragan.contragan_32 import ContraGANDiscriminator32, ContraGANGenerator32
from torch_gan_zoo.nets.contragan.contragan_48 import ContraGANDiscriminator48, ContraGANGenerator48
from torch_gan_zoo.nets.contragan.contragan_64 import ContraGANDiscriminator64, ContraGANGenerator64
from torch_gan_zoo.nets.contragan.contragan_128 import ContraGANDiscriminator128, ContraGANGenerator128
from torch_gan_zoo.nets.contragan.base import ContraGANBaseDiscriminator

__all__ = [
    "ContraGANBaseDiscriminator",
    "ContraGANGenerator32",
    "ContraGANDiscriminator32",
    "ContraGANGenerator48",
    "ContraGANDiscriminator48",
    "ContraGANGenerator64",
    "ContraGANDiscriminator64",
    "ContraGANGenerator128",
    "ContraGANDiscriminator128",
]
