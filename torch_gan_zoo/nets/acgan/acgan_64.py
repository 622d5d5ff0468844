"""ACGAN at 64x64 pixels: cGAN-PD's generator and layer sizes (ngf=1024, ndf=1024), an auxiliary classifier discriminator."""
from torch_gan_zoo.nets.acgan.base import PAPER, ACGANBaseDiscriminator
from torch_gan_zoo.nets.cgan_pd.cgan_pd_64 import CGANPDGenerator64
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["ACGANGenerator64", "ACGANDiscriminator64"]


@register_generator("acgan", 64, paper=PAPER)
class ACGANGenerator64(CGANPDGenerator64):
    """ACGAN generator for 64x64 images: the cGAN-PD generator, z (N, nz), y (N,) -> (N, nc, 64, 64) in [-1, 1]."""


@register_discriminator("acgan", 64, paper=PAPER)
class ACGANDiscriminator64(ACGANBaseDiscriminator):
    """ACGAN discriminator for 64x64 images: (N, nc, 64, 64) -> logits (N, 1) (and class logits)."""

    def __init__(self, ndf=1024, num_classes=1000, nc=3, cond_lambda=1.0, classify_fakes=True, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, cond_lambda=cond_lambda,
                         classify_fakes=classify_fakes, loss_type=loss_type)
