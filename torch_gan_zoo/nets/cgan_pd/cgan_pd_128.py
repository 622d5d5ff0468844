"""cGAN-PD at 128x128 pixels (layer sizes: the paper's ImageNet model, ngf=1024, ndf=1024, 1000 classes)."""
from torch_gan_zoo.nets.cgan_pd.base import PAPER, CGANPDBaseDiscriminator, CGANPDBaseGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["CGANPDGenerator128", "CGANPDDiscriminator128"]


@register_generator("cgan_pd", 128, paper=PAPER)
class CGANPDGenerator128(CGANPDBaseGenerator):
    """cGAN-PD generator for 128x128 images: z (N, nz), y (N,) -> (N, nc, 128, 128) in [-1, 1]."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, num_classes=1000, nc=3, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, num_classes=num_classes, nc=nc,
                         loss_type=loss_type)


@register_discriminator("cgan_pd", 128, paper=PAPER)
class CGANPDDiscriminator128(CGANPDBaseDiscriminator):
    """cGAN-PD discriminator for 128x128 images: (N, nc, 128, 128), y (N,) -> logits (N, 1)."""

    def __init__(self, ndf=1024, num_classes=1000, nc=3, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, loss_type=loss_type)
