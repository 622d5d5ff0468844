"""LSGAN: the least-squares GAN loss (Mao et al., ICCV 2017) on the library's ResNet trunk.

LSGAN changes only the loss: least squares with targets a=0 (fake), b=1 (real) for the discriminator
and c=1 for the generator (``loss_type='ls'``). The paper's own networks are VGG-like and built for
112 px scenes, so here LSGAN uses the library's shared ResNet trunk (as Mimicry-style baselines
compare variants at one capacity): SNGAN's generator, and the discriminator trunk without spectral
normalisation (``spectral_norm=True`` adds it back) and with global *mean* pooling, as the WGAN-GP
critic, so that its initial outputs are of the order of the least-squares targets 0 and 1 (sum
pooling over the last feature map makes them ~20 at 32 px).
"""
from __future__ import annotations

import torch

import torch.nn as nn

from torch_gan_zoo.modules import maybe_spectral_norm
from torch_gan_zoo.nets.backbones import (
    RESNET_DISCRIMINATOR_DEFAULTS,
    ResNetDiscriminatorBackbone,
    init_weight_,
    resnet_discriminator_channels,
)
from torch_gan_zoo.nets.gan import BaseDiscriminator
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.sngan import SNGANGenerator
from torch_gan_zoo.nets.table import FROM_TABLE, derived_class, table_defaults

PAPER = "Mao et al., Least Squares Generative Adversarial Networks, ICCV 2017"

__all__ = ["LSGANGenerator", "LSGANDiscriminator", "LSGANBaseGenerator", "LSGANBaseDiscriminator", "PAPER"]


LSGANGenerator = derived_class(SNGANGenerator, "LSGANGenerator", {"loss_type": "ls"}, module=__name__, doc="""
    SNGAN's ResNet generator (:class:`~torch_gan_zoo.nets.sngan.SNGANGenerator`, same arguments) trained with the
    least-squares loss (default ``loss_type='ls'``): z (N, nz) -> images (N, nc, resolution, resolution).""")


class LSGANDiscriminator(BaseDiscriminator):
    """ResNet discriminator (global mean pooling, linear head) trained with the least-squares loss.

    Args:
        ndf (int): Width of the last block. nc (int): Image channels.
        loss_type (str): Adversarial loss (default ``'ls'``).
        spectral_norm (bool): Spectrally normalise every layer (default ``False``, as in the paper).
        resolution (int): 32, 48, 64 or 128 (see :class:`~torch_gan_zoo.nets.sngan.SNGANGenerator`).

    ``forward(x)``: images (N, nc, resolution, resolution) -> outputs (N, 1), trained towards 1 on real
    and 0 on generated images.
    """

    resolution_defaults = RESNET_DISCRIMINATOR_DEFAULTS

    def __init__(self, ndf: int = FROM_TABLE, nc: int = 3, loss_type: str = "ls", spectral_norm: bool = False,
                 *, resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, ndf=ndf)
        super().__init__(loss_type=loss_type, **sizes)
        self.nc, self.resolution = nc, resolution
        channels, downsample = resnet_discriminator_channels(resolution, self.ndf)
        self.backbone = ResNetDiscriminatorBackbone(nc, channels, downsample, spectral_norm=spectral_norm,
                                                    pooling="mean")
        self.l_out = maybe_spectral_norm(nn.Linear(channels[-1], 1), spectral_norm)
        init_weight_(self.l_out, 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Outputs (N, 1) of images ``x`` (N, nc, H, W)."""
        return self.l_out(self.backbone(x))


LSGANBaseGenerator, LSGANBaseDiscriminator = LSGANGenerator, LSGANDiscriminator  # earlier names

__all__.extend(register_builtin_variant(__name__, "lsgan", LSGANGenerator, LSGANDiscriminator, PAPER))
