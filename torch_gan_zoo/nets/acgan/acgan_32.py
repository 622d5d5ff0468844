"""ACGAN at 32x32 pixels: cGAN-PD's generator and layer sizes (ngf=256, ndf=128), an auxiliary classifier discriminator."""
from torch_gan_zoo.nets.acgan.base import PAPER, ACGANBaseDiscriminator
from torch_gan_zoo.nets.cgan_pd.cgan_pd_32 import CGANPDGenerator32
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["ACGANGenerator32", "ACGANDiscriminator32"]


@register_generator("acgan", 32, paper=PAPER)
class ACGANGenerator32(CGANPDGenerator32):
    """ACGAN generator for 32x32 images: the cGAN-PD generator, z (N, nz), y (N,) -> (N, nc, 32, 32) in [-1, 1]."""


@register_discriminator("acgan", 32, paper=PAPER)
class ACGANDiscriminator32(ACGANBaseDiscriminator):
    """ACGAN discriminator for 32x32 images: (N, nc, 32, 32) -> logits (N, 1) (and class logits)."""

    def __init__(self, ndf=128, num_classes=10, nc=3, cond_lambda=1.0, classify_fakes=True, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, cond_lambda=cond_lambda,
                         classify_fakes=classify_fakes, loss_type=loss_type)
