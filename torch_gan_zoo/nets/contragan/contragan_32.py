"""ContraGAN at 32x32 pixels: BigGAN's 32 px networks (without orthogonal regularisation), a 2C-loss discriminator."""
from torch_gan_zoo.nets.biggan.base import BigGANBaseGenerator
from torch_gan_zoo.nets.contragan.base import PAPER, ContraGANBaseDiscriminator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["ContraGANGenerator32", "ContraGANDiscriminator32"]


@register_generator("contragan", 32, paper=PAPER)
class ContraGANGenerator32(BigGANBaseGenerator):
    """ContraGAN generator for 32x32 images (BigGAN's): z (N, nz), y (N,) -> (N, nc, 32, 32) in [-1, 1]."""

    def __init__(self, nz=80, ngf=384, bottom_width=4, num_classes=10, shared_dim=128, nc=3, attention_resolution=16,
                 ortho_reg_weight=0.0, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, num_classes=num_classes, shared_dim=shared_dim,
                         nc=nc, attention_resolution=attention_resolution, ortho_reg_weight=ortho_reg_weight,
                         loss_type=loss_type)


@register_discriminator("contragan", 32, paper=PAPER)
class ContraGANDiscriminator32(ContraGANBaseDiscriminator):
    """ContraGAN discriminator for 32x32 images: (N, nc, 32, 32), y (N,) -> logits (N, 1) (and embeddings)."""

    def __init__(self, ndf=192, num_classes=10, nc=3, attention_resolution=16, embed_dim=512, temperature=1.0,
                 cond_lambda=1.0, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, attention_resolution=attention_resolution,
                         embed_dim=embed_dim, temperature=temperature, cond_lambda=cond_lambda, loss_type=loss_type)
