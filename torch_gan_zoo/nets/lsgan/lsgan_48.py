"""LSGAN at 48x48 pixels (the SNGAN ResNet sizes Mimicry uses: ngf=512, ndf=1024)."""
from torch_gan_zoo.nets.lsgan.base import PAPER, LSGANBaseDiscriminator, LSGANBaseGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["LSGANGenerator48", "LSGANDiscriminator48"]


@register_generator("lsgan", 48, paper=PAPER)
class LSGANGenerator48(LSGANBaseGenerator):
    """LSGAN generator for 48x48 images: z (N, nz) -> (N, nc, 48, 48) in [-1, 1]."""

    def __init__(self, nz=128, ngf=512, bottom_width=6, nc=3, loss_type="ls"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


@register_discriminator("lsgan", 48, paper=PAPER)
class LSGANDiscriminator48(LSGANBaseDiscriminator):
    """LSGAN discriminator for 48x48 images: (N, nc, 48, 48) -> logits (N, 1)."""

    def __init__(self, ndf=1024, nc=3, loss_type="ls", spectral_norm=False):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, spectral_norm=spectral_norm)
