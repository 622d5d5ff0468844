"""cGAN-PD at 64x64 pixels (layer sizes: those of Mimicry's SNGAN 64, ngf=1024, ndf=1024; 1000 classes as ImageNet)."""
from torch_gan_zoo.nets.cgan_pd.base import PAPER, CGANPDBaseDiscriminator, CGANPDBaseGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["CGANPDGenerator64", "CGANPDDiscriminator64"]


@register_generator("cgan_pd", 64, paper=PAPER)
class CGANPDGenerator64(CGANPDBaseGenerator):
    """cGAN-PD generator for 64x64 images: z (N, nz), y (N,) -> (N, nc, 64, 64) in [-1, 1]."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, num_classes=1000, nc=3, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, num_classes=num_classes, nc=nc,
                         loss_type=loss_type)


@register_discriminator("cgan_pd", 64, paper=PAPER)
class CGANPDDiscriminator64(CGANPDBaseDiscriminator):
    """cGAN-PD discriminator for 64x64 images: (N, nc, 64, 64), y (N,) -> logits (N, 1)."""

    def __init__(self, ndf=1024, num_classes=1000, nc=3, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, loss_type=loss_type)
