"""BigGAN at 48x48 pixels (no published model; the per-block widths of 64 px, nz=120 in 4 chunks, attention at 24 px)."""
from torch_gan_zoo.nets.biggan.base import PAPER, BigGANBaseDiscriminator, BigGANBaseGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["BigGANGenerator48", "BigGANDiscriminator48"]


@register_generator("biggan", 48, paper=PAPER)
class BigGANGenerator48(BigGANBaseGenerator):
    """BigGAN generator for 48x48 images: z (N, nz), y (N,) -> (N, nc, 48, 48) in [-1, 1]."""

    def __init__(self, nz=120, ngf=768, bottom_width=6, num_classes=10, shared_dim=128, nc=3, attention_resolution=24,
                 ortho_reg_weight=1e-4, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, num_classes=num_classes, shared_dim=shared_dim,
                         nc=nc, attention_resolution=attention_resolution, ortho_reg_weight=ortho_reg_weight,
                         loss_type=loss_type)


@register_discriminator("biggan", 48, paper=PAPER)
class BigGANDiscriminator48(BigGANBaseDiscriminator):
    """BigGAN discriminator for 48x48 images: (N, nc, 48, 48), y (N,) -> logits (N, 1)."""

    def __init__(self, ndf=1536, num_classes=10, nc=3, attention_resolution=24, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, attention_resolution=attention_resolution,
                         loss_type=loss_type)
