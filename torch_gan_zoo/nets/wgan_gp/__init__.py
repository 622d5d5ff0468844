"""WGAN-GP: ResNet critic without normalisation, Wasserstein loss and a per-sample gradient
penalty (Gulrajani et al., NeurIPS 2017)."""
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.wgan_gp.base import (
    PAPER,
    WGANGPBaseDiscriminator,
    WGANGPBaseGenerator,
    WGANGPDiscriminator,
    WGANGPGenerator,
)

__all__ = ["WGANGPGenerator", "WGANGPDiscriminator", "WGANGPBaseGenerator", "WGANGPBaseDiscriminator"]
__all__ += register_builtin_variant(__name__, "wgan_gp", WGANGPGenerator, WGANGPDiscriminator, PAPER)
