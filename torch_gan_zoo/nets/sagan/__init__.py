"""SAGAN: ResNet GAN with self-attention and spectral normalisation in both networks
(Zhang et al., Self-Attention Generative Adversarial Networks, ICML 2019)."""
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.sagan.base import (
    PAPER,
    SAGANBaseDiscriminator,
    SAGANBaseGenerator,
    SAGANDiscriminator,
    SAGANGenerator,
)

__all__ = ["SAGANGenerator", "SAGANDiscriminator", "SAGANBaseGenerator", "SAGANBaseDiscriminator"]
__all__ += register_builtin_variant(__name__, "sagan", SAGANGenerator, SAGANDiscriminator, PAPER)
