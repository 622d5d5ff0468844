"""ACGAN at 48x48 pixels: cGAN-PD's generator and layer sizes (ngf=512, ndf=1024), an auxiliary classifier discriminator."""
from torch_gan_zoo.nets.acgan.base import PAPER, ACGANBaseDiscriminator
from torch_gan_zoo.nets.cgan_pd.cgan_pd_48 import CGANPDGenerator48
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["ACGANGenerator48", "ACGANDiscriminator48"]


@register_generator("acgan", 48, paper=PAPER)
class ACGANGenerator48(CGANPDGenerator48):
    """ACGAN generator for 48x48 images: the cGAN-PD generator, z (N, nz), y (N,) -> (N, nc, 48, 48) in [-1, 1]."""


@register_discriminator("acgan", 48, paper=PAPER)
class ACGANDiscriminator48(ACGANBaseDiscriminator):
    """ACGAN discriminator for 48x48 images: (N, nc, 48, 48) -> logits (N, 1) (and class logits)."""

    def __init__(self, ndf=1024, num_classes=10, nc=3, cond_lambda=1.0, classify_fakes=True, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, cond_lambda=cond_lambda,
                         classify_fakes=classify_fakes, loss_type=loss_type)
