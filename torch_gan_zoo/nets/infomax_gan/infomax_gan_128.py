"""InfoMax-GAN at 128x128 pixels (the SNGAN ResNet sizes Mimicry uses: ngf=1024, ndf=1024)."""
from torch_gan_zoo.nets.infomax_gan.base import PAPER, InfoMaxGANBaseDiscriminator, InfoMaxGANBaseGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["InfoMaxGANGenerator128", "InfoMaxGANDiscriminator128"]


@register_generator("infomax_gan", 128, paper=PAPER)
class InfoMaxGANGenerator128(InfoMaxGANBaseGenerator):
    """InfoMax-GAN generator for 128x128 images: z (N, nz) -> (N, nc, 128, 128) in [-1, 1]."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, nc=3, loss_type="hinge", infomax_weight=0.2):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc,
                         loss_type=loss_type, infomax_weight=infomax_weight)


@register_discriminator("infomax_gan", 128, paper=PAPER)
class InfoMaxGANDiscriminator128(InfoMaxGANBaseDiscriminator):
    """InfoMax-GAN discriminator for 128x128 images: (N, nc, 128, 128) -> logits (N, 1)."""

    def __init__(self, ndf=1024, nc=3, loss_type="hinge", nrkhs=1024, infomax_weight=0.2):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, nrkhs=nrkhs, infomax_weight=infomax_weight)
