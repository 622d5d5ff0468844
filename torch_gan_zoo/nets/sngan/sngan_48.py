"""SNGAN at 48x48 pixels (the paper's and Mimicry's layer sizes: ngf=512, ndf=1024)."""
from torch_gan_zoo.nets.registry import register_discriminator, register_generator
from torch_gan_zoo.nets.sngan.base import PAPER, SNGANBaseDiscriminator, SNGANBaseGenerator

__all__ = ["SNGANGenerator48", "SNGANDiscriminator48"]


@register_generator("sngan", 48, paper=PAPER)
class SNGANGenerator48(SNGANBaseGenerator):
    """SNGAN generator for 48x48 images: z (N, nz) -> (N, nc, 48, 48) in [-1, 1]."""

    def __init__(self, nz=128, ngf=512, bottom_width=6, nc=3, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


@register_discriminator("sngan", 48, paper=PAPER)
class SNGANDiscriminator48(SNGANBaseDiscriminator):
    """SNGAN discriminator for 48x48 images: (N, nc, 48, 48) -> logits (N, 1)."""

    def __init__(self, ndf=1024, nc=3, loss_type="hinge"):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type)
