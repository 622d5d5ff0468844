"""SNGAN at 64x64 pixels (the paper's and Mimicry's layer sizes: ngf=1024, ndf=1024)."""
from torch_gan_zoo.nets.registry import register_discriminator, register_generator
from torch_gan_zoo.nets.sngan.base import PAPER, SNGANBaseDiscriminator, SNGANBaseGenerator

__all__ = ["SNGANGenerator64", "SNGANDiscriminator64"]


@register_generator("sngan", 64, paper=PAPER)
class SNGANGenerator64(SNGANBaseGenerator):
    """SNGAN generator for 64x64 images: z (N, nz) -> (N, nc, 64, 64) in [-1, 1]."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, nc=3, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


@register_discriminator("sngan", 64, paper=PAPER)
class SNGANDiscriminator64(SNGANBaseDiscriminator):
    """SNGAN discriminator for 64x64 images: (N, nc, 64, 64) -> logits (N, 1)."""

    def __init__(self, ndf=1024, nc=3, loss_type="hinge"):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type)
