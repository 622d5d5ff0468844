"""SNGAN at 32x32 pixels (the paper's and Mimicry's layer sizes: ngf=256, ndf=128)."""
from torch_gan_zoo.nets.registry import register_discriminator, register_generator
from torch_gan_zoo.nets.sngan.base import PAPER, SNGANBaseDiscriminator, SNGANBaseGenerator

__all__ = ["SNGANGenerator32", "SNGANDiscriminator32"]


@register_generator("sngan", 32, paper=PAPER)
class SNGANGenerator32(SNGANBaseGenerator):
    """SNGAN generator for 32x32 images: z (N, nz) -> (N, nc, 32, 32) in [-1, 1]."""

    def __init__(self, nz=128, ngf=256, bottom_width=4, nc=3, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


@register_discriminator("sngan", 32, paper=PAPER)
class SNGANDiscriminator32(SNGANBaseDiscriminator):
    """SNGAN discriminator for 32x32 images: (N, nc, 32, 32) -> logits (N, 1)."""

    def __init__(self, ndf=128, nc=3, loss_type="hinge"):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type)
