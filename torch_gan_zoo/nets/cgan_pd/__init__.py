"""cGAN-PD: conditional batch norm generator and projection discriminator (Miyato & Koyama, ICLR 2018)."""
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.cgan_pd.base import (
    CGANPDBaseDiscriminator,
    CGANPDBaseGenerator,
    CGANPDDiscriminator,
    CGANPDGenerator,
    PAPER,
)

__all__ = ["CGANPDGenerator", "CGANPDDiscriminator", "CGANPDBaseGenerator", "CGANPDBaseDiscriminator"]
__all__ += register_builtin_variant(__name__, "cgan_pd", CGANPDGenerator, CGANPDDiscriminator, PAPER)
