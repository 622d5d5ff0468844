"""WGAN-GP at 32x32 pixels (the SNGAN ResNet sizes Mimicry uses: ngf=256, ndf=128)."""
from torch_gan_zoo.nets.registry import register_discriminator, register_generator
from torch_gan_zoo.nets.wgan_gp.base import PAPER, WGANGPBaseDiscriminator, WGANGPBaseGenerator

__all__ = ["WGANGPGenerator32", "WGANGPDiscriminator32"]


@register_generator("wgan_gp", 32, paper=PAPER)
class WGANGPGenerator32(WGANGPBaseGenerator):
    """WGAN-GP generator for 32x32 images: z (N, nz) -> (N, nc, 32, 32) in [-1, 1]."""

    def __init__(self, nz=128, ngf=256, bottom_width=4, nc=3, loss_type="wasserstein"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


@register_discriminator("wgan_gp", 32, paper=PAPER)
class WGANGPDiscriminator32(WGANGPBaseDiscriminator):
    """WGAN-GP discriminator for 32x32 images: (N, nc, 32, 32) -> logits (N, 1)."""

    def __init__(self, ndf=128, nc=3, loss_type="wasserstein", gp_weight=10.0):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, gp_weight=gp_weight)
