"""WGAN-GP at 128x128 pixels (the SNGAN ResNet sizes Mimicry uses: ngf=1024, ndf=1024)."""
from torch_gan_zoo.nets.registry import register_discriminator, register_generator
from torch_gan_zoo.nets.wgan_gp.base import PAPER, WGANGPBaseDiscriminator, WGANGPBaseGenerator

__all__ = ["WGANGPGenerator128", "WGANGPDiscriminator128"]


@register_generator("wgan_gp", 128, paper=PAPER)
class WGANGPGenerator128(WGANGPBaseGenerator):
    """WGAN-GP generator for 128x128 images: z (N, nz) -> (N, nc, 128, 128) in [-1, 1]."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, nc=3, loss_type="wasserstein"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


@register_discriminator("wgan_gp", 128, paper=PAPER)
class WGANGPDiscriminator128(WGANGPBaseDiscriminator):
    """WGAN-GP discriminator for 128x128 images: (N, nc, 128, 128) -> logits (N, 1)."""

    def __init__(self, ndf=1024, nc=3, loss_type="wasserstein", gp_weight=10.0):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, gp_weight=gp_weight)
