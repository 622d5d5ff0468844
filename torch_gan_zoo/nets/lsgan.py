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

from torch_gan_zoo.nets.backbones import ResNetDiscriminator
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.sngan import SNGANGenerator
from torch_gan_zoo.nets.table import FROM_TABLE, derived_class

PAPER = "Mao et al., Least Squares Generative Adversarial Networks, ICCV 2017"

__all__ = ["LSGANGenerator", "LSGANDiscriminator", "LSGANBaseGenerator", "LSGANBaseDiscriminator", "PAPER"]


LSGANGenerator = derived_class(SNGANGenerator, "LSGANGenerator", {"loss_type": "ls"}, module=__name__, doc="""
    SNGAN's ResNet generator (:class:`~torch_gan_zoo.nets.sngan.SNGANGenerator`, same arguments) trained with the
    least-squares loss (default ``loss_type='ls'``): z (N, nz) -> images (N, nc, resolution, resolution).""")


class LSGANDiscriminator(ResNetDiscriminator):
    """ResNet discriminator (global mean pooling, linear head) trained with the least-squares loss.

    Args:
        ndf (int): Width of the last block. nc (int): Image channels.
        loss_type (str): Adversarial loss (default ``'ls'``).
        spectral_norm (bool): Spectrally normalise every layer (default ``False``, as in the paper).
        resolution (int): 32, 48, 64 or 128 (see :class:`~torch_gan_zoo.nets.sngan.SNGANGenerator`).

    ``forward(x)``: images (N, nc, resolution, resolution) -> outputs (N, 1), trained towards 1 on real
    and 0 on generated images.
    """

    def __init__(self, ndf: int = FROM_TABLE, nc: int = 3, loss_type: str = "ls", spectral_norm: bool = False,
                 *, resolution: int | None = None):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, resolution=resolution, spectral_norm=spectral_norm,
                         pooling="mean")


LSGANBaseGenerator, LSGANBaseDiscriminator = LSGANGenerator, LSGANDiscriminator  # earlier names

__all__.extend(register_builtin_variant(__name__, "lsgan", LSGANGenerator, LSGANDiscriminator, PAPER))
