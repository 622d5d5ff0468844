"""cGAN-PD: conditional batch norm generator and projection discriminator (Miyato & Koyama, ICLR 2018)."""
from torch_gan_zoo.nets.cgan_pd.base import CGANPDBaseDiscriminator, CGANPDBaseGenerator
from torch_gan_zoo.nets.cgan_pd.cgan_pd_32 import CGANPDDiscriminator32, CGANPDGenerator32
from torch_gan_zoo.nets.cgan_pd.cgan_pd_48 import CGANPDDiscriminator48, CGANPDGenerator48
from torch_gan_zoo.nets.cgan_pd.cgan_pd_64 import CGANPDDiscriminator64, CGANPDGenerator64
from torch_gan_zoo.nets.cgan_pd.cgan_pd_128 import CGANPDDiscriminator128, CGANPDGenerator128

__all__ = [
    "CGANPDBaseGenerator",
    "CGANPDBaseDiscriminator",
    "CGANPDGenerator32",
    "CGANPDDiscriminator32",
    "CGANPDGenerator48",
    "CGANPDDiscriminator48",
    "CGANPDGenerator64",
    "CGANPDDiscriminator64",
    "CGANPDGenerator128",
    "CGANPDDiscriminator128",
]
