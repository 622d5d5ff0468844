"""What SAGAN's resolutions share (Zhang et al., Self-Attention Generative Adversarial Networks, ICML 2019).

The shared ResNet trunks with a :class:`~torch_gan_zoo.modules.SelfAttention` block at a middle
resolution and spectral normalisation on every layer of *both* networks, trained with the hinge loss
and the two time-scale update rule (discriminator learning rate 4x the generator's, one
discriminator step per generator step). The train steps are the standard ones.

This is the unconditional SAGAN; the paper's ImageNet model is class-conditional (conditional batch
norm in G, a projection discriminator), which needs the conditional bases.
"""
from torch_gan_zoo.modules import SNLinear
from torch_gan_zoo.nets.backbones import (
    ResNetDiscriminatorBackbone,
    ResNetGeneratorBackbone,
    init_weight_,
    resnet_discriminator_channels,
    resnet_generator_channels,
)
from torch_gan_zoo.nets.gan import BaseDiscriminator, BaseGenerator

PAPER = "Zhang et al., Self-Attention Generative Adversarial Networks, ICML 2019"

__all__ = ["SAGANBaseGenerator", "SAGANBaseDiscriminator", "PAPER"]


class SAGANBaseGenerator(BaseGenerator):
    """ResNet generator with spectral normalisation everywhere and a self-attention block.

    Args:
        nz (int): Noise dimension. ngf (int): Width of the first block.
        bottom_width (int): Size of the first feature map. nc (int): Image channels.
        loss_type (str): Adversarial loss (default ``'hinge'``).
        attention_after (int): Number of upsampling blocks before the attention block (each
            resolution picks a middle one; the paper ablates this position).

    ``forward(z)``: z (N, nz) -> images (N, nc, resolution, resolution) in [-1, 1].
    """

    def __init__(self, nz, ngf, bottom_width, nc=3, loss_type="hinge", attention_after=2):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type)
        self.nc = nc
        self.backbone = ResNetGeneratorBackbone(nz, resnet_generator_channels(self.resolution, ngf), bottom_width, nc,
                                                spectral_norm=True, attention_after=attention_after)

    def forward(self, z):
        """Images (N, nc, H, W) in [-1, 1] from noise ``z`` (N, nz)."""
        return self.backbone(z)


class SAGANBaseDiscriminator(BaseDiscriminator):
    """Spectrally normalised ResNet discriminator with a self-attention block and a linear head.

    Args:
        ndf (int): Width of the last block. nc (int): Image channels.
        loss_type (str): Adversarial loss (default ``'hinge'``).
        attention_after (int): Number of blocks before the attention block (the paper: 2).

    ``forward(x)``: images (N, nc, resolution, resolution) -> logits (N, 1).
    """

    def __init__(self, ndf, nc=3, loss_type="hinge", attention_after=2):
        super().__init__(ndf=ndf, loss_type=loss_type)
        self.nc = nc
        channels, downsample = resnet_discriminator_channels(self.resolution, ndf)
        self.backbone = ResNetDiscriminatorBackbone(nc, channels, downsample, spectral_norm=True,
                                                    attention_after=attention_after)
        self.l_out = SNLinear(channels[-1], 1)
        init_weight_(self.l_out, 1.0)

    def forward(self, x):
        """Logits (N, 1) of images ``x`` (N, nc, H, W)."""
        return self.l_out(self.backbone(x))
