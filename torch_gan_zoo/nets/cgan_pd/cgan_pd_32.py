"""cGAN-PD at 32x32 pixels (layer sizes: Mimicry's, ngf=256, ndf=128; 10 classes as CIFAR-10)."""
from torch_gan_zoo.nets.cgan_pd.base import PAPER, CGANPDBaseDiscriminator, CGANPDBaseGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["CGANPDGenerator32", "CGANPDDiscriminator32"]


@register_generator("cgan_pd", 32, paper=PAPER)
class CGANPDGenerator32(CGANPDBaseGenerator):
    """cGAN-PD generator for 32x32 images: z (N, nz), y (N,) -> (N, nc, 32, 32) in [-1, 1]."""

    def __init__(self, nz=128, ngf=256, bottom_width=4, num_classes=10, nc=3, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, num_classes=num_classes, nc=nc,
                         loss_type=loss_type)


@register_discriminator("cgan_pd", 32, paper=PAPER)
class CGANPDDiscriminator32(CGANPDBaseDiscriminator):
    """cGAN-PD discriminator for 32x32 images: (N, nc, 32, 32), y (N,) -> logits (N, 1)."""

    def __init__(self, ndf=128, num_classes=10, nc=3, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, loss_type=loss_type)
