"""WGAN-GP: ResNet critic without normalisation, Wasserstein loss and a per-sample gradient
penalty (Gulrajani et al., NeurIPS 2017)."""
from torch_gan_zoo.nets.wgan_gp.base import WGANGPBaseDiscriminator, WGANGPBaseGenerator
from torch_gan_zoo.nets.wgan_gp.wgan_gp_32 import WGANGPDiscriminator32, WGANGPGenerator32
from torch_gan_zoo.nets.wgan_gp.wgan_gp_48 import WGANGPDiscriminator48, WGANGPGenerator48
from torch_gan_zoo.nets.wgan_gp.wgan_gp_64 import WGANGPDiscriminator64, WGANGPGenerator64
from torch_gan_zoo.nets.wgan_gp.wgan_gp_128 import WGANGPDiscriminator128, WGANGPGenerator128

__all__ = [
    "WGANGPBaseGenerator",
    "WGANGPBaseDiscriminator",
    "WGANGPGenerator32",
    "WGANGPDiscriminator32",
    "WGANGPGenerator48",
    "WGANGPDiscriminator48",
    "WGANGPGenerator64",
    "WGANGPDiscriminator64",
    "WGANGPGenerator128",
    "WGANGPDiscriminator128",
]
