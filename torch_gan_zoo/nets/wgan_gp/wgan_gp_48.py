"""WGAN-GP at 48x48 pixels (the SNGAN ResNet sizes Mimicry uses: ngf=512, ndf=1024)."""
from torch_gan_zoo.nets.registry import register_discriminator, register_generator
from torch_gan_zoo.nets.wgan_gp.base import PAPER, WGANGPBaseDiscriminator, WGANGPBaseGenerator

__all__ = ["WGANGPGenerator48", "WGANGPDiscriminator48"]


@register_generator("wgan_gp", 48, paper=PAPER)
class WGANGPGenerator48(WGANGPBaseGenerator):
    """WGAN-GP generator for 48x48 images: z (N, nz) -> (N, nc, 48, 48) in [-1, 1]."""

    def __init__(self, nz=128, ngf=512, bottom_width=6, nc=3, loss_type="wasserstein"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


@register_discriminator("wgan_gp", 48, paper=PAPER)
class WGANGPDiscriminator48(WGANGPBaseDiscriminator):
    """WGAN-GP discriminator for 48x48 images: (N, nc, 48, 48) -> logits (N, 1)."""

    def __init__(self, ndf=1024, nc=3, loss_type="wasserstein", gp_weight=10.0):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, gp_weight=gp_weight)
