"""SSGAN at 48x48 pixels (the SNGAN ResNet sizes Mimicry uses: ngf=512, ndf=1024)."""
from torch_gan_zoo.nets.registry import register_discriminator, register_generator
from torch_gan_zoo.nets.ssgan.base import PAPER, SSGANBaseDiscriminator, SSGANBaseGenerator

__all__ = ["SSGANGenerator48", "SSGANDiscriminator48"]


@register_generator("ssgan", 48, paper=PAPER)
class SSGANGenerator48(SSGANBaseGenerator):
    """SSGAN generator for 48x48 images: z (N, nz) -> (N, nc, 48, 48) in [-1, 1]."""

    def __init__(self, nz=128, ngf=512, bottom_width=6, nc=3, loss_type="hinge", rotation_weight=0.2):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc,
                         loss_type=loss_type, rotation_weight=rotation_weight)


@register_discriminator("ssgan", 48, paper=PAPER)
class SSGANDiscriminator48(SSGANBaseDiscriminator):
    """SSGAN discriminator for 48x48 images: (N, nc, 48, 48) -> logits (N, 1)."""

    def __init__(self, ndf=1024, nc=3, loss_type="hinge", rotation_weight=1.0):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, rotation_weight=rotation_weight)
