"""BigGAN at 64x64 pixels (ch=96, nz=120 in 5 chunks, attention at 32 px)."""
from torch_gan_zoo.nets.biggan.base import PAPER, BigGANBaseDiscriminator, BigGANBaseGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["BigGANGenerator64", "BigGANDiscriminator64"]


@register_generator("biggan", 64, paper=PAPER)
class BigGANGenerator64(BigGANBaseGenerator):
    """BigGAN generator for 64x64 images: z (N, nz), y (N,) -> (N, nc, 64, 64) in [-1, 1]."""

    def __init__(self, nz=120, ngf=1536, bottom_width=4, num_classes=1000, shared_dim=128, nc=3, attention_resolution=32,
                 ortho_reg_weight=1e-4, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, num_classes=num_classes, shared_dim=shared_dim,
                         nc=nc, attention_resolution=attention_resolution, ortho_reg_weight=ortho_reg_weight,
                         loss_type=loss_type)


@register_discriminator("biggan", 64, paper=PAPER)
class BigGANDiscriminator64(BigGANBaseDiscriminator):
    """BigGAN discriminator for 64x64 images: (N, nc, 64, 64), y (N,) -> logits (N, 1)."""

    def __init__(self, ndf=1536, num_classes=1000, nc=3, attention_resolution=32, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, attention_resolution=attention_resolution,
                         loss_type=loss_type)
