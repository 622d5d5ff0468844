"""Layers and blocks shared by every GAN variant. Pure ``nn.Module``\\ s: nothing here knows about
models, losses or training.
"""
from torch_gan_zoo.modules.attention import SelfAttention
from torch_gan_zoo.modules.conditional_bn import ConditionalBatchNorm2d
from torch_gan_zoo.modules.coords import AddCoords, pixel_coordinates, with_coords
from torch_gan_zoo.modules.convblocks import DownConvBlock, UpConvBlock, UpsampleConvBlock
from torch_gan_zoo.modules.diffaugment import DiffAugment, build_augment
from torch_gan_zoo.modules.pixel_mlp import ModulatedPixelMLP
from torch_gan_zoo.modules.layers import SNConv2d, SNEmbedding, SNLinear, SpectralNorm, maybe_spectral_norm
from torch_gan_zoo.modules.resblocks import DBlock, DBlockOptimized, GBlock
from torch_gan_zoo.modules.biggan_blocks import BigGANGBlock, LinearConditionalBatchNorm2d
from torch_gan_zoo.modules.projection import ProjectionHead
from torch_gan_zoo.modules.weight_init import init_dcgan_weights, init_weight_, orthogonal_init_

__all__ = [
    "AddCoords",
    "with_coords",
    "pixel_coordinates",
    "ModulatedPixelMLP",
    "ConditionalBatchNorm2d",
    "DownConvBlock",
    "UpConvBlock",
    "UpsampleConvBlock",
    "SNConv2d",
    "SNEmbedding",
    "SNLinear",
    "maybe_spectral_norm",
    "SpectralNorm",
    "DBlock",
    "DBlockOptimized",
    "GBlock",
    "SelfAttention",
    "DiffAugment",
    "build_augment",
    "BigGANGBlock",
    "LinearConditionalBatchNorm2d",
    "ProjectionHead",
    "init_weight_",
    "init_dcgan_weights",
    "orthogonal_init_",
]
