"""ReACGAN at 128x128 pixels: BigGAN's 128 px networks (without orthogonal regularisation), a D2D-CE discriminator."""
from torch_gan_zoo.nets.biggan.base import BigGANBaseGenerator
from torch_gan_zoo.nets.reacgan.base import PAPER, ReACGANBaseDiscriminator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["ReACGANGenerator128", "ReACGANDiscriminator128"]


@register_generator("reacgan", 128, paper=PAPER)
class ReACGANGenerator128(BigGANBaseGenerator):
    """ReACGAN generator for 128x128 images (BigGAN's): z (N, nz), y (N,) -> (N, nc, 128, 128) in [-1, 1]."""

    def __init__(self, nz=120, ngf=1536, bottom_width=4, num_classes=1000, shared_dim=128, nc=3, attention_resolution=64,
                 ortho_reg_weight=0.0, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, num_classes=num_classes, shared_dim=shared_dim,
                         nc=nc, attention_resolution=attention_resolution, ortho_reg_weight=ortho_reg_weight,
                         loss_type=loss_type)


@register_discriminator("reacgan", 128, paper=PAPER)
class ReACGANDiscriminator128(ReACGANBaseDiscriminator):
    """ReACGAN discriminator for 128x128 images: (N, nc, 128, 128), y (N,) -> logits (N, 1) (and embeddings)."""

    def __init__(self, ndf=1536, num_classes=1000, nc=3, attention_resolution=64, embed_dim=512, temperature=0.5,
                 pos_margin=0.98, neg_margin=0.02, cond_lambda=0.5, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, attention_resolution=attention_resolution,
                         embed_dim=embed_dim, temperature=temperature, pos_margin=pos_margin, neg_margin=neg_margin,
                         cond_lambda=cond_lambda, loss_type=loss_type)
