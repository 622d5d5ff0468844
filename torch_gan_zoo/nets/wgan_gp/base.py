"""What WGAN-GP's resolutions share (Gulrajani et al., Improved Training of Wasserstein GANs, NeurIPS 2017).

The generator is SNGAN's ResNet generator trained with the Wasserstein loss. The critic is the same
ResNet trunk without spectral normalisation or any normalisation layer (the paper's CIFAR-10 ResNet,
``NORMALIZATION_D = False``), with global *mean* pooling and a linear head, and the per-sample
gradient penalty attached as a regulariser: the standard train step adds it to the critic loss
before its single optimiser step.
"""
import torch.nn as nn

from torch_gan_zoo.losses import GradientPenalty
from torch_gan_zoo.nets.backbones import ResNetDiscriminatorBackbone, init_weight_, resnet_discriminator_channels
from torch_gan_zoo.nets.gan import BaseDiscriminator
from torch_gan_zoo.nets.sngan.base import SNGANBaseGenerator

PAPER = "Gulrajani et al., Improved Training of Wasserstein GANs, NeurIPS 2017"

__all__ = ["WGANGPBaseGenerator", "WGANGPBaseDiscriminator", "PAPER"]


class WGANGPBaseGenerator(SNGANBaseGenerator):
    """SNGAN's ResNet generator, trained with the Wasserstein loss.

    Args:
        nz (int), ngf (int), bottom_width (int), nc (int): As in :class:`~torch_gan_zoo.nets.sngan.SNGANBaseGenerator`.
        loss_type (str): Adversarial loss (default ``'wasserstein'``).

    ``forward(z)``: z (N, nz) -> images (N, nc, resolution, resolution) in [-1, 1].
    """

    def __init__(self, nz, ngf, bottom_width, nc=3, loss_type="wasserstein"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


class WGANGPBaseDiscriminator(BaseDiscriminator):
    """WGAN-GP critic: ResNet trunk without normalisation, mean pooling, linear head, gradient penalty.

    Args:
        ndf (int): Width of the last block. nc (int): Image channels.
        loss_type (str): Adversarial loss (default ``'wasserstein'``).
        gp_weight (float): lambda of the :class:`~torch_gan_zoo.losses.GradientPenalty` attached to
            :attr:`regularizers` (paper: 10); 0 attaches none.

    ``forward(x)``: images (N, nc, resolution, resolution) -> scores (N, 1).
    """

    def __init__(self, ndf, nc=3, loss_type="wasserstein", gp_weight=10.0):
        super().__init__(ndf=ndf, loss_type=loss_type)
        self.nc = nc
        self.gp_weight = gp_weight
        channels, downsample = resnet_discriminator_channels(self.resolution, ndf)
        self.backbone = ResNetDiscriminatorBackbone(nc, channels, downsample, spectral_norm=False, pooling="mean")
        self.l_out = nn.Linear(channels[-1], 1)
        init_weight_(self.l_out, 1.0)
        if gp_weight > 0:
            self.add_regularizer(GradientPenalty(weight=gp_weight, center=1.0))

    def forward(self, x):
        """Critic scores (N, 1) of images ``x`` (N, nc, H, W)."""
        return self.l_out(self.backbone(x))
