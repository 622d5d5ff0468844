"""Layers and blocks shared by every GAN variant. Pure ``nn.Module``\\ s: nothing here knows about
models, losses or training.
"""
from torch_gan_zoo.modules.conditional_bn import ConditionalBatchNorm2d
from torch_gan_zoo.modules.convblocks import DownConvBlock, UpConvBlock
from torch_gan_zoo.modules.layers import SNConv2d, SNEmbedding, SNLinear, maybe_spectral_norm
from torch_gan_zoo.modules.resblocks import DBlock, DBlockOptimized, GBlock

__all__ = [
    "ConditionalBatchNorm2d",
    "DownConvBlock",
    "UpConvBlock",
    "SNConv2d",
    "SNEmbedding",
    "SNLinear",
    "maybe_spectral_norm",
    "DBlock",
    "DBlockOptimized",
    "GBlock",
]
