"""Plain convolutional blocks of DCGAN-style networks (Radford et al., 2016; Miyato et al., 2018; the
up-sample + convolution alternative to transposed convolutions of Odena et al., 2016)."""

from __future__ import annotations
import torch.nn as nn

from torch_gan_zoo.modules.coords import with_coords
from torch_gan_zoo.modules.layers import maybe_spectral_norm

__all__ = ["UpConvBlock", "UpsampleConvBlock", "DownConvBlock"]


class UpConvBlock(nn.Sequential):
    """Transposed convolution that doubles H and W, then batch norm and ReLU.

    ``ConvTranspose2d(in, out, 4, stride=2, padding=1) -> BatchNorm2d -> ReLU``; with ``coords``, the
    input's pixel coordinates are appended first (:class:`~torch_gan_zoo.modules.AddCoords`).
    Input (N, in_channels, H, W) -> output (N, out_channels, 2H, 2W).
    """

    def __init__(self, in_channels: int, out_channels: int, batch_norm: bool = True, coords: bool = False) -> None:
        layers = with_coords(coords, nn.ConvTranspose2d, in_channels, out_channels, 4, 2, 1, bias=not batch_norm)
        if batch_norm:
            layers.append(nn.BatchNorm2d(out_channels))
        layers.append(nn.ReLU(inplace=True))
        super().__init__(*layers)


class UpsampleConvBlock(nn.Sequential):
    """Nearest-neighbour up-sampling x2, a 3x3 convolution, then batch norm and ReLU.

    ``Upsample(x2, nearest) -> Conv2d(in, out, 3, padding=1) -> BatchNorm2d -> ReLU``: the resize-convolution
    of Odena et al. (Deconvolution and Checkerboard Artifacts, Distill 2016). Unlike a stride-2 transposed
    convolution, every output pixel sees the same number of weights, so it cannot paint checkerboards.
    With ``coords``, the up-sampled map's pixel coordinates are appended before the convolution
    (:class:`~torch_gan_zoo.modules.AddCoords`). Input (N, in_channels, H, W) -> output (N, out_channels, 2H, 2W).
    """

    def __init__(self, in_channels: int, out_channels: int, batch_norm: bool = True, coords: bool = False) -> None:
        layers = [nn.Upsample(scale_factor=2, mode="nearest"),
                  *with_coords(coords, nn.Conv2d, in_channels, out_channels, 3, 1, 1, bias=not batch_norm)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(out_channels))
        layers.append(nn.ReLU(inplace=True))
        super().__init__(*layers)


class DownConvBlock(nn.Sequential):
    """Convolution followed by LeakyReLU, optionally spectrally normalised.

    With ``kernel_size=4, stride=2`` (the default) it halves H and W; with ``kernel_size=3, stride=1``
    it keeps them. Input (N, in_channels, H, W).

    Args:
        negative_slope (float): LeakyReLU slope (0.1 in the SNGAN paper's CNN, 0.2 in DCGAN).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 4, stride: int = 2,
                 spectral_norm: bool = False, negative_slope: float = 0.1) -> None:
        padding = (kernel_size - 1) // 2 if stride == 1 else 1
        conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding)
        super().__init__(maybe_spectral_norm(conv, spectral_norm), nn.LeakyReLU(negative_slope, inplace=True))
