"""BigGAN at 128x128 pixels (the paper's ImageNet model: ch=96, nz=120 in 6 chunks, attention at 64 px)."""
from torch_gan_zoo.nets.biggan.base import PAPER, BigGANBaseDiscriminator, BigGANBaseGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["BigGANGenerator128", "BigGANDiscriminator128"]


@register_generator("biggan", 128, paper=PAPER)
class BigGANGenerator128(BigGANBaseGenerator):
    """BigGAN generator for 128x128 images: z (N, nz), y (N,) -> (N, nc, 128, 128) in [-1, 1]."""

    def __init__(self, nz=120, ngf=1536, bottom_width=4, num_classes=1000, shared_dim=128, nc=3, attention_resolution=64,
                 ortho_reg_weight=1e-4, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, num_classes=num_classes, shared_dim=shared_dim,
                         nc=nc, attention_resolution=attention_resolution, ortho_reg_weight=ortho_reg_weight,
                         loss_type=loss_type)


@register_discriminator("biggan", 128, paper=PAPER)
class BigGANDiscriminator128(BigGANBaseDiscriminator):
    """BigGAN discriminator for 128x128 images: (N, nc, 128, 128), y (N,) -> logits (N, 1)."""

    def __init__(self, ndf=1536, num_classes=1000, nc=3, attention_resolution=64, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, attention_resolution=attention_resolution,
                         loss_type=loss_type)
