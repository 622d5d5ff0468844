"""ContraGAN: contrastive learning for conditional generation (Kang & Park, NeurIPS 2020), on BigGAN's networks."""
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.contragan.base import (
    ContraGANBaseDiscriminator,
    ContraGANDiscriminator,
    ContraGANGenerator,
    PAPER,
)

__all__ = ["ContraGANGenerator", "ContraGANDiscriminator", "ContraGANBaseDiscriminator"]
__all__ += register_builtin_variant(__name__, "contragan", ContraGANGenerator, ContraGANDiscriminator, PAPER)
