"""``torch_mimicry.nets.dcgan.dcgan_base``: Mimicry's "DCGAN" bases (non-saturating loss).

Mimicry's DCGAN networks are SNGAN's ResNets (the discriminator without spectral norm), not the
plain CNN of Radford et al. that :mod:`torch_gan_zoo.nets.dcgan` implements."""
from torch_gan_zoo.mimicry.nets.gan import gan

__all__ = ["DCGANBaseGenerator", "DCGANBaseDiscriminator"]


class DCGANBaseGenerator(gan.BaseGenerator):
    """Generator base with ``loss_type='ns'``. Noise (N, nz) -> images (N, 3, H, W)."""

    def __init__(self, nz, ngf, bottom_width, loss_type="ns", **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type, **kwargs)


class DCGANBaseDiscriminator(gan.BaseDiscriminator):
    """Discriminator base with ``loss_type='ns'``. Images (N, 3, H, W) -> logits (N, 1)."""

    def __init__(self, ndf, loss_type="ns", **kwargs):
        super().__init__(ndf=ndf, loss_type=loss_type, **kwargs)
