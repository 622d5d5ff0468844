"""WGAN-GP: ResNet critic without normalisation, Wasserstein loss and a per-sample gradient
penalty (Gulrajani et al., NeurIPS 2017).

The generator is SNGAN's ResNet generator trained with the Wasserstein loss. The critic is the same
ResNet trunk without spectral normalisation or any normalisation layer (the paper's CIFAR-10 ResNet,
``NORMALIZATION_D = False``), with global *mean* pooling and a linear head, and the per-sample
gradient penalty attached as a regulariser: the standard train step adds it to the critic loss
before its single optimiser step.
"""
from __future__ import annotations

from torch_gan_zoo.losses import GradientPenalty
from torch_gan_zoo.nets.backbones import ResNetDiscriminator
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.sngan import SNGANGenerator
from torch_gan_zoo.nets.table import FROM_TABLE, derived_class

PAPER = "Gulrajani et al., Improved Training of Wasserstein GANs, NeurIPS 2017"

__all__ = ["WGANGPGenerator", "WGANGPDiscriminator", "WGANGPBaseGenerator", "WGANGPBaseDiscriminator", "PAPER"]


WGANGPGenerator = derived_class(SNGANGenerator, "WGANGPGenerator", {"loss_type": "wasserstein"}, module=__name__,
                                doc="""
    SNGAN's ResNet generator (:class:`~torch_gan_zoo.nets.sngan.SNGANGenerator`, same arguments) trained with the
    Wasserstein loss (default ``loss_type='wasserstein'``): z (N, nz) -> images (N, nc, resolution, resolution).""")


class WGANGPDiscriminator(ResNetDiscriminator):
    """WGAN-GP critic: ResNet trunk without normalisation, mean pooling, linear head, gradient penalty.

    Args:
        ndf (int): Width of the last block. nc (int): Image channels.
        loss_type (str): Adversarial loss (default ``'wasserstein'``).
        gp_weight (float): lambda of the :class:`~torch_gan_zoo.losses.GradientPenalty` attached to
            :attr:`regularizers` (paper: 10); 0 attaches none.
        resolution (int): 32, 48, 64 or 128 (see :class:`~torch_gan_zoo.nets.sngan.SNGANGenerator`).

    ``forward(x)``: images (N, nc, resolution, resolution) -> scores (N, 1).
    """

    def __init__(self, ndf: int = FROM_TABLE, nc: int = 3, loss_type: str = "wasserstein", gp_weight: float = 10.0,
                 *, resolution: int | None = None):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, resolution=resolution, spectral_norm=False,
                         pooling="mean")
        self.gp_weight = gp_weight
        if gp_weight > 0:
            self.add_regularizer(GradientPenalty(weight=gp_weight, center=1.0))


WGANGPBaseGenerator, WGANGPBaseDiscriminator = WGANGPGenerator, WGANGPDiscriminator  # earlier names

__all__.extend(register_builtin_variant(__name__, "wgan_gp", WGANGPGenerator, WGANGPDiscriminator, PAPER))
