"""``torch_mimicry.nets.sagan.sagan_base``: SAGAN (conditional, as in Mimicry; hinge loss)."""
from torch_gan_zoo.mimicry.nets.gan import cgan

__all__ = ["SAGANBaseGenerator", "SAGANBaseDiscriminator"]


class SAGANBaseGenerator(cgan.BaseConditionalGenerator):
    """Conditional generator base with ``loss_type='hinge'``: (z (N, nz), y (N,)) -> images."""

    def __init__(self, num_classes, bottom_width, nz, ngf, loss_type="hinge", **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type, num_classes=num_classes,
                         **kwargs)


class SAGANBaseDiscriminator(cgan.BaseConditionalDiscriminator):
    """Projection discriminator base with ``loss_type='hinge'``: (x, y (N,)) -> logits (N, 1)."""

    def __init__(self, num_classes, ndf, loss_type="hinge", **kwargs):
        super().__init__(ndf=ndf, loss_type=loss_type, num_classes=num_classes, **kwargs)
