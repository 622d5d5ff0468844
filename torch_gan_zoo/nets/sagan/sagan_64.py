"""SAGAN at 64x64 pixels: ngf=1024, ndf=1024; attention after generator block 3 (32x32) and discriminator
block 2 (16x16)."""
from torch_gan_zoo.nets.registry import register_discriminator, register_generator
from torch_gan_zoo.nets.sagan.base import PAPER, SAGANBaseDiscriminator, SAGANBaseGenerator

__all__ = ["SAGANGenerator64", "SAGANDiscriminator64"]


@register_generator("sagan", 64, paper=PAPER)
class SAGANGenerator64(SAGANBaseGenerator):
    """SAGAN generator for 64x64 images: z (N, nz) -> (N, nc, 64, 64) in [-1, 1]."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, nc=3, loss_type="hinge", attention_after=3):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc,
                         loss_type=loss_type, attention_after=attention_after)


@register_discriminator("sagan", 64, paper=PAPER)
class SAGANDiscriminator64(SAGANBaseDiscriminator):
    """SAGAN discriminator for 64x64 images: (N, nc, 64, 64) -> logits (N, 1)."""

    def __init__(self, ndf=1024, nc=3, loss_type="hinge", attention_after=2):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, attention_after=attention_after)
