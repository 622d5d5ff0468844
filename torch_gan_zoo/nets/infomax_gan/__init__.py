"""InfoMax-GAN: SNGAN plus an InfoNCE loss between the discriminator's local and global
features (Lee et al., WACV 2021)."""
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.infomax_gan.base import (
    FeatureProjection,
    InfoMaxGANBaseDiscriminator,
    InfoMaxGANBaseGenerator,
    InfoMaxGANDiscriminator,
    InfoMaxGANGenerator,
    PAPER,
)

__all__ = ["InfoMaxGANGenerator", "InfoMaxGANDiscriminator", "InfoMaxGANBaseGenerator", "InfoMaxGANBaseDiscriminator", "FeatureProjection"]
__all__ += register_builtin_variant(__name__, "infomax_gan", InfoMaxGANGenerator, InfoMaxGANDiscriminator, PAPER)
