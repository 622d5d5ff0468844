"""BigGAN at 32x32 pixels (StudioGAN's CIFAR-10 sizes: ch=96, nz=80 in 4 chunks, attention at 16 px)."""
from torch_gan_zoo.nets.biggan.base import PAPER, BigGANBaseDiscriminator, BigGANBaseGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["BigGANGenerator32", "BigGANDiscriminator32"]


@register_generator("biggan", 32, paper=PAPER)
class BigGANGenerator32(BigGANBaseGenerator):
    """BigGAN generator for 32x32 images: z (N, nz), y (N,) -> (N, nc, 32, 32) in [-1, 1]."""

    def __init__(self, nz=80, ngf=384, bottom_width=4, num_classes=10, shared_dim=128, nc=3, attention_resolution=16,
                 ortho_reg_weight=1e-4, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, num_classes=num_classes, shared_dim=shared_dim,
                         nc=nc, attention_resolution=attention_resolution, ortho_reg_weight=ortho_reg_weight,
                         loss_type=loss_type)


@register_discriminator("biggan", 32, paper=PAPER)
class BigGANDiscriminator32(BigGANBaseDiscriminator):
    """BigGAN discriminator for 32x32 images: (N, nc, 32, 32), y (N,) -> logits (N, 1)."""

    def __init__(self, ndf=192, num_classes=10, nc=3, attention_resolution=16, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, attention_resolution=attention_resolution,
                         loss_type=loss_type)
