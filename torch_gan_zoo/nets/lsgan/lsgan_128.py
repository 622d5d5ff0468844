"""LSGAN at 128x128 pixels (the SNGAN ResNet sizes Mimicry uses: ngf=1024, ndf=1024)."""
from torch_gan_zoo.nets.lsgan.base import PAPER, LSGANBaseDiscriminator, LSGANBaseGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["LSGANGenerator128", "LSGANDiscriminator128"]


@register_generator("lsgan", 128, paper=PAPER)
class LSGANGenerator128(LSGANBaseGenerator):
    """LSGAN generator for 128x128 images: z (N, nz) -> (N, nc, 128, 128) in [-1, 1]."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, nc=3, loss_type="ls"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


@register_discriminator("lsgan", 128, paper=PAPER)
class LSGANDiscriminator128(LSGANBaseDiscriminator):
    """LSGAN discriminator for 128x128 images: (N, nc, 128, 128) -> logits (N, 1)."""

    def __init__(self, ndf=1024, nc=3, loss_type="ls", spectral_norm=False):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, spectral_norm=spectral_norm)
