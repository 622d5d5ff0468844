"""SSGAN: a spectrally normalised ResNet GAN whose discriminator also predicts image rotations
(Chen et al., Self-Supervised GANs via Auxiliary Rotation Loss, CVPR 2019)."""
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.ssgan.base import (
    PAPER,
    SSGANBaseDiscriminator,
    SSGANBaseGenerator,
    SSGANDiscriminator,
    SSGANGenerator,
    rotate_quarters,
)

__all__ = ["SSGANGenerator", "SSGANDiscriminator", "SSGANBaseGenerator", "SSGANBaseDiscriminator", "rotate_quarters"]
__all__ += register_builtin_variant(__name__, "ssgan", SSGANGenerator, SSGANDiscriminator, PAPER)
