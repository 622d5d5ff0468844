"""What LSGAN's resolutions share (Mao et al., Least Squares Generative Adversarial Networks, ICCV 2017).

LSGAN changes only the loss: least squares with targets a=0 (fake), b=1 (real) for the discriminator
and c=1 for the generator (``loss_type='ls'``). The paper's own networks are VGG-like and built for
112 px scenes, so here LSGAN uses the library's shared ResNet trunk (as Mimicry-style baselines
compare variants at one capacity): SNGAN's generator, and the discriminator trunk without spectral
normalisation (``spectral_norm=True`` adds it back) and with global *mean* pooling, as the WGAN-GP
critic, so that its initial outputs are of the order of the least-squares targets 0 and 1 (sum
pooling over the last feature map makes them ~20 at 32 px).
"""
import torch.nn as nn

from torch_gan_zoo.modules import maybe_spectral_norm
from torch_gan_zoo.nets.backbones import ResNetDiscriminatorBackbone, init_weight_, resnet_discriminator_channels
from torch_gan_zoo.nets.gan import BaseDiscriminator
from torch_gan_zoo.nets.sngan.base import SNGANBaseGenerator

PAPER = "Mao et al., Least Squares Generative Adversarial Networks, ICCV 2017"

__all__ = ["LSGANBaseGenerator", "LSGANBaseDiscriminator", "PAPER"]


class LSGANBaseGenerator(SNGANBaseGenerator):
    """SNGAN's ResNet generator, trained with the least-squares loss.

    Args:
        nz (int), ngf (int), bottom_width (int), nc (int): As in :class:`~torch_gan_zoo.nets.sngan.SNGANBaseGenerator`.
        loss_type (str): Adversarial loss (default ``'ls'``).

    ``forward(z)``: z (N, nz) -> images (N, nc, resolution, resolution) in [-1, 1].
    """

    def __init__(self, nz, ngf, bottom_width, nc=3, loss_type="ls"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


class LSGANBaseDiscriminator(BaseDiscriminator):
    """ResNet discriminator (global mean pooling, linear head) trained with the least-squares loss.

    Args:
        ndf (int): Width of the last block. nc (int): Image channels.
        loss_type (str): Adversarial loss (default ``'ls'``).
        spectral_norm (bool): Spectrally normalise every layer (default ``False``, as in the paper).

    ``forward(x)``: images (N, nc, resolution, resolution) -> outputs (N, 1), trained towards 1 on real
    and 0 on generated images.
    """

    def __init__(self, ndf, nc=3, loss_type="ls", spectral_norm=False):
        super().__init__(ndf=ndf, loss_type=loss_type)
        self.nc = nc
        channels, downsample = resnet_discriminator_channels(self.resolution, ndf)
        self.backbone = ResNetDiscriminatorBackbone(nc, channels, downsample, spectral_norm=spectral_norm,
                                                    pooling="mean")
        self.l_out = maybe_spectral_norm(nn.Linear(channels[-1], 1), spectral_norm)
        init_weight_(self.l_out, 1.0)

    def forward(self, x):
        """Outputs (N, 1) of images ``x`` (N, nc, H, W)."""
        return self.l_out(self.backbone(x))
