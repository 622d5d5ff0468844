"""SSGAN at 32x32 pixels (the SNGAN ResNet sizes Mimicry uses: ngf=256, ndf=128)."""
from torch_gan_zoo.nets.registry import register_discriminator, register_generator
from torch_gan_zoo.nets.ssgan.base import PAPER, SSGANBaseDiscriminator, SSGANBaseGenerator

__all__ = ["SSGANGenerator32", "SSGANDiscriminator32"]


@register_generator("ssgan", 32, paper=PAPER)
class SSGANGenerator32(SSGANBaseGenerator):
    """SSGAN generator for 32x32 images: z (N, nz) -> (N, nc, 32, 32) in [-1, 1]."""

    def __init__(self, nz=128, ngf=256, bottom_width=4, nc=3, loss_type="hinge", rotation_weight=0.2):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc,
                         loss_type=loss_type, rotation_weight=rotation_weight)


@register_discriminator("ssgan", 32, paper=PAPER)
class SSGANDiscriminator32(SSGANBaseDiscriminator):
    """SSGAN discriminator for 32x32 images: (N, nc, 32, 32) -> logits (N, 1)."""

    def __init__(self, ndf=128, nc=3, loss_type="hinge", rotation_weight=1.0):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, rotation_weight=rotation_weight)
