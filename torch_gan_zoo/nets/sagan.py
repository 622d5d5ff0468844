"""SAGAN: ResNet GAN with self-attention and spectral normalisation in both networks
(Zhang et al., Self-Attention Generative Adversarial Networks, ICML 2019).

The shared ResNet trunks with a :class:`~torch_gan_zoo.modules.SelfAttention` block at a middle
resolution and spectral normalisation on every layer of *both* networks, trained with the hinge loss
and the two time-scale update rule (discriminator learning rate 4x the generator's, one
discriminator step per generator step). The train steps are the standard ones.

This is the unconditional SAGAN; the paper's ImageNet model is class-conditional (conditional batch
norm in G, a projection discriminator), which needs the conditional bases.
"""
from __future__ import annotations

import torch

from torch_gan_zoo.nets.backbones import (
    RESNET_GENERATOR_DEFAULTS,
    ResNetDiscriminator,
    ResNetGeneratorBackbone,
    resnet_generator_channels,
)
from torch_gan_zoo.nets.gan import BaseGenerator
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.table import FROM_TABLE, table_defaults, with_columns

PAPER = "Zhang et al., Self-Attention Generative Adversarial Networks, ICML 2019"

__all__ = ["SAGANGenerator", "SAGANDiscriminator", "SAGANBaseGenerator", "SAGANBaseDiscriminator", "PAPER"]


class SAGANGenerator(BaseGenerator):
    """ResNet generator with spectral normalisation everywhere and a self-attention block.

    Args:
        nz (int): Noise dimension. ngf (int): Width of the first block.
        bottom_width (int): Size of the first feature map. nc (int): Image channels.
        loss_type (str): Adversarial loss (default ``'hinge'``).
        attention_after (int): Number of upsampling blocks before the attention block (from the table:
            after the 16x16 block at 32 and 48 px, the 32x32 one at 64 and 128 px, Mimicry's placement;
            the paper ablates this position).
        resolution (int): 32, 48, 64 or 128 (see :class:`~torch_gan_zoo.nets.sngan.SNGANGenerator`).

    ``forward(z)``: z (N, nz) -> images (N, nc, resolution, resolution) in [-1, 1].
    """

    resolution_defaults = with_columns(RESNET_GENERATOR_DEFAULTS, attention_after={32: 2, 48: 2, 64: 3, 128: 3})

    def __init__(self, nz: int = 128, ngf: int = FROM_TABLE, bottom_width: int = FROM_TABLE, nc: int = 3,
                 loss_type: str = "hinge", attention_after: int = FROM_TABLE, *, resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, ngf=ngf, bottom_width=bottom_width,
                                           attention_after=attention_after)
        super().__init__(nz=nz, ngf=sizes["ngf"], bottom_width=sizes["bottom_width"], loss_type=loss_type)
        self.nc, self.resolution = nc, resolution
        self.backbone = ResNetGeneratorBackbone(nz, resnet_generator_channels(resolution, self.ngf), self.bottom_width,
                                                nc, spectral_norm=True, attention_after=sizes["attention_after"])

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Images (N, nc, H, W) in [-1, 1] from noise ``z`` (N, nz)."""
        return self.backbone(z)


class SAGANDiscriminator(ResNetDiscriminator):
    """Spectrally normalised ResNet discriminator with a self-attention block and a linear head.

    Args:
        ndf (int): Width of the last block. nc (int): Image channels.
        loss_type (str): Adversarial loss (default ``'hinge'``).
        attention_after (int): Number of blocks before the attention block (the paper: 2).
        resolution (int): 32, 48, 64 or 128 (see :class:`~torch_gan_zoo.nets.sngan.SNGANGenerator`).

    ``forward(x)``: images (N, nc, resolution, resolution) -> logits (N, 1).
    """

    def __init__(self, ndf: int = FROM_TABLE, nc: int = 3, loss_type: str = "hinge", attention_after: int = 2,
                 *, resolution: int | None = None):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, resolution=resolution, attention_after=attention_after)


SAGANBaseGenerator, SAGANBaseDiscriminator = SAGANGenerator, SAGANDiscriminator  # earlier names

__all__.extend(register_builtin_variant(__name__, "sagan", SAGANGenerator, SAGANDiscriminator, PAPER))
