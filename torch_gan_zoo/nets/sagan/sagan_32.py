"""SAGAN at 32x32 pixels: ngf=256, ndf=128; attention after generator block 2 (16x16) and discriminator block
2 (8x8); Mimicry's placement."""
from torch_gan_zoo.nets.registry import register_discriminator, register_generator
from torch_gan_zoo.nets.sagan.base import PAPER, SAGANBaseDiscriminator, SAGANBaseGenerator

__all__ = ["SAGANGenerator32", "SAGANDiscriminator32"]


@register_generator("sagan", 32, paper=PAPER)
class SAGANGenerator32(SAGANBaseGenerator):
    """SAGAN generator for 32x32 images: z (N, nz) -> (N, nc, 32, 32) in [-1, 1]."""

    def __init__(self, nz=128, ngf=256, bottom_width=4, nc=3, loss_type="hinge", attention_after=2):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc,
                         loss_type=loss_type, attention_after=attention_after)


@register_discriminator("sagan", 32, paper=PAPER)
class SAGANDiscriminator32(SAGANBaseDiscriminator):
    """SAGAN discriminator for 32x32 images: (N, nc, 32, 32) -> logits (N, 1)."""

    def __init__(self, ndf=128, nc=3, loss_type="hinge", attention_after=2):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, attention_after=attention_after)
