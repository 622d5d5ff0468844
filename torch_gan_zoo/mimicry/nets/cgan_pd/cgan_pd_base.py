"""``torch_mimicry.nets.cgan_pd.cgan_pd_base``: cGAN with projection discriminator (hinge loss)."""
from torch_gan_zoo.mimicry.nets.gan import cgan

__all__ = ["CGANPDBaseGenerator", "CGANPDBaseDiscriminator"]


class CGANPDBaseGenerator(cgan.BaseConditionalGenerator):
    """Conditional generator base with ``loss_type='hinge'``: (z (N, nz), y (N,)) -> images."""

    def __init__(self, num_classes, bottom_width, nz, ngf, loss_type="hinge", **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type, num_classes=num_classes,
                         **kwargs)


class CGANPDBaseDiscriminator(cgan.BaseConditionalDiscriminator):
    """Projection discriminator base with ``loss_type='hinge'``: (x, y (N,)) -> logits (N, 1)."""

    def __init__(self, num_classes, ndf, loss_type="hinge", **kwargs):
        super().__init__(ndf=ndf, loss_type=loss_type, num_classes=num_classes, **kwargs)
