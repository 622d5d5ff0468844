"""SAGAN at 48x48 pixels: ngf=512, ndf=1024; attention after generator block 2 (24x24) and discriminator block
2 (12x12)."""
from torch_gan_zoo.nets.registry import register_discriminator, register_generator
from torch_gan_zoo.nets.sagan.base import PAPER, SAGANBaseDiscriminator, SAGANBaseGenerator

__all__ = ["SAGANGenerator48", "SAGANDiscriminator48"]


@register_generator("sagan", 48, paper=PAPER)
class SAGANGenerator48(SAGANBaseGenerator):
    """SAGAN generator for 48x48 images: z (N, nz) -> (N, nc, 48, 48) in [-1, 1]."""

    def __init__(self, nz=128, ngf=512, bottom_width=6, nc=3, loss_type="hinge", attention_after=2):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc,
                         loss_type=loss_type, attention_after=attention_after)


@register_discriminator("sagan", 48, paper=PAPER)
class SAGANDiscriminator48(SAGANBaseDiscriminator):
    """SAGAN discriminator for 48x48 images: (N, nc, 48, 48) -> logits (N, 1)."""

    def __init__(self, ndf=1024, nc=3, loss_type="hinge", attention_after=2):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, attention_after=attention_after)
