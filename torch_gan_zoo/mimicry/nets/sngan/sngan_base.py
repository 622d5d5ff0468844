"""``torch_mimicry.nets.sngan.sngan_base``: SNGAN bases (hinge loss)."""
from torch_gan_zoo.mimicry.nets.gan import gan

__all__ = ["SNGANBaseGenerator", "SNGANBaseDiscriminator"]


class SNGANBaseGenerator(gan.BaseGenerator):
    """ResNet generator base with ``loss_type='hinge'``. Noise (N, nz) -> images (N, 3, H, W)."""

    def __init__(self, nz, ngf, bottom_width, loss_type="hinge", **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type, **kwargs)


class SNGANBaseDiscriminator(gan.BaseDiscriminator):
    """ResNet discriminator base with ``loss_type='hinge'``. Images (N, 3, H, W) -> logits (N, 1)."""

    def __init__(self, ndf, loss_type="hinge", **kwargs):
        super().__init__(ndf=ndf, loss_type=loss_type, **kwargs)
