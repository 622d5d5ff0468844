"""LSGAN at 32x32 pixels (the SNGAN ResNet sizes Mimicry uses: ngf=256, ndf=128)."""
from torch_gan_zoo.nets.lsgan.base import PAPER, LSGANBaseDiscriminator, LSGANBaseGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["LSGANGenerator32", "LSGANDiscriminator32"]


@register_generator("lsgan", 32, paper=PAPER)
class LSGANGenerator32(LSGANBaseGenerator):
    """LSGAN generator for 32x32 images: z (N, nz) -> (N, nc, 32, 32) in [-1, 1]."""

    def __init__(self, nz=128, ngf=256, bottom_width=4, nc=3, loss_type="ls"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


@register_discriminator("lsgan", 32, paper=PAPER)
class LSGANDiscriminator32(LSGANBaseDiscriminator):
    """LSGAN discriminator for 32x32 images: (N, nc, 32, 32) -> logits (N, 1)."""

    def __init__(self, ndf=128, nc=3, loss_type="ls", spectral_norm=False):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, spectral_norm=spectral_norm)
