"""BigGAN: shared class embedding, hierarchical latent, orthogonal regularisation (Brock et al., ICLR 2019)."""
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.biggan.base import (
    BigGANBaseDiscriminator,
    BigGANBaseGenerator,
    BigGANDiscriminator,
    BigGANGenerator,
    PAPER,
    biggan_discriminator_trunk,
)

__all__ = ["BigGANGenerator", "BigGANDiscriminator", "BigGANBaseGenerator", "BigGANBaseDiscriminator", "biggan_discriminator_trunk"]
__all__ += register_builtin_variant(__name__, "biggan", BigGANGenerator, BigGANDiscriminator, PAPER)
