"""SSGAN at 128x128 pixels (the SNGAN ResNet sizes Mimicry uses: ngf=1024, ndf=1024)."""
from torch_gan_zoo.nets.registry import register_discriminator, register_generator
from torch_gan_zoo.nets.ssgan.base import PAPER, SSGANBaseDiscriminator, SSGANBaseGenerator

__all__ = ["SSGANGenerator128", "SSGANDiscriminator128"]


@register_generator("ssgan", 128, paper=PAPER)
class SSGANGenerator128(SSGANBaseGenerator):
    """SSGAN generator for 128x128 images: z (N, nz) -> (N, nc, 128, 128) in [-1, 1]."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, nc=3, loss_type="hinge", rotation_weight=0.2):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc,
                         loss_type=loss_type, rotation_weight=rotation_weight)


@register_discriminator("ssgan", 128, paper=PAPER)
class SSGANDiscriminator128(SSGANBaseDiscriminator):
    """SSGAN discriminator for 128x128 images: (N, nc, 128, 128) -> logits (N, 1)."""

    def __init__(self, ndf=1024, nc=3, loss_type="hinge", rotation_weight=1.0):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, rotation_weight=rotation_weight)
