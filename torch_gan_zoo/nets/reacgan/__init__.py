"""ReACGAN: ACGAN rebooted with the data-to-data cross-entropy (Kang et al., NeurIPS 2021), on BigGAN's networks."""
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.reacgan.base import (
    PAPER,
    ReACGANBaseDiscriminator,
    ReACGANDiscriminator,
    ReACGANGenerator,
)

__all__ = ["ReACGANGenerator", "ReACGANDiscriminator", "ReACGANBaseDiscriminator"]
__all__ += register_builtin_variant(__name__, "reacgan", ReACGANGenerator, ReACGANDiscriminator, PAPER)
