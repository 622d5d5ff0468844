"""cGAN-PD at 48x48 pixels (layer sizes: those of Mimicry's SNGAN 48, ngf=512, ndf=1024; 10 classes as STL-10)."""
from torch_gan_zoo.nets.cgan_pd.base import PAPER, CGANPDBaseDiscriminator, CGANPDBaseGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["CGANPDGenerator48", "CGANPDDiscriminator48"]


@register_generator("cgan_pd", 48, paper=PAPER)
class CGANPDGenerator48(CGANPDBaseGenerator):
    """cGAN-PD generator for 48x48 images: z (N, nz), y (N,) -> (N, nc, 48, 48) in [-1, 1]."""

    def __init__(self, nz=128, ngf=512, bottom_width=6, num_classes=10, nc=3, loss_type="hinge"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, num_classes=num_classes, nc=nc,
                         loss_type=loss_type)


@register_discriminator("cgan_pd", 48, paper=PAPER)
class CGANPDDiscriminator48(CGANPDBaseDiscriminator):
    """cGAN-PD discriminator for 48x48 images: (N, nc, 48, 48), y (N,) -> logits (N, 1)."""

    def __init__(self, ndf=1024, num_classes=10, nc=3, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, loss_type=loss_type)
