"""Network trunks shared by several GAN variants (composition, not copy-paste).

The ResNet trunks are those of SNGAN (Miyato et al., 2018), used with different heads and losses
by WGAN-GP, SSGAN, InfoMax-GAN, cGAN-PD and others. Channel tables per resolution live here once, and so
does :class:`ResNetDiscriminator`, the trunk with a linear head that SNGAN, SAGAN, LSGAN and WGAN-GP share.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn as nn

from torch_gan_zoo.modules import DBlock, DBlockOptimized, GBlock, SelfAttention, maybe_spectral_norm
from torch_gan_zoo.modules.weight_init import init_weight_
from torch_gan_zoo.nets.gan import BaseDiscriminator
from torch_gan_zoo.nets.table import FROM_TABLE, frozen_table, table_defaults

__all__ = [
    "RESNET_GENERATOR_DEFAULTS",
    "RESNET_DISCRIMINATOR_DEFAULTS",
    "ResNetGeneratorBackbone",
    "ResNetDiscriminatorBackbone",
    "ResNetDiscriminator",
    "resnet_generator_channels",
    "resnet_discriminator_channels",
    "init_weight_",  # now in modules.weight_init, where the other initialisations are
]


#: Per-resolution defaults of the SNGAN ResNet generator (the paper's and Mimicry's layer sizes), shared by
#: every variant built on it.
RESNET_GENERATOR_DEFAULTS = frozen_table({
    32: {"ngf": 256, "bottom_width": 4},
    48: {"ngf": 512, "bottom_width": 6},
    64: {"ngf": 1024, "bottom_width": 4},
    128: {"ngf": 1024, "bottom_width": 4},
})
#: Per-resolution defaults of the SNGAN ResNet discriminator.
RESNET_DISCRIMINATOR_DEFAULTS = frozen_table({32: {"ndf": 128}, 48: {"ndf": 1024}, 64: {"ndf": 1024},
                                              128: {"ndf": 1024}})


def _check_attention_position(attention_after, num_blocks):
    if attention_after is not None and not 1 <= attention_after < num_blocks:
        raise ValueError(f"attention_after must lie in [1, {num_blocks - 1}] (after one of the first "
                         f"{num_blocks - 1} blocks), got {attention_after}")


def resnet_generator_channels(resolution: int, ngf: int) -> list[int]:
    """Feature-map widths of the SNGAN ResNet generator, bottom first (one upsampling per step)."""
    tables = {
        32: [ngf, ngf, ngf, ngf],
        48: [ngf, ngf // 2, ngf // 4, ngf // 8],
        64: [ngf, ngf // 2, ngf // 4, ngf // 8, ngf // 16],
        128: [ngf, ngf, ngf // 2, ngf // 4, ngf // 8, ngf // 16],
    }
    if resolution not in tables:
        raise ValueError(f"no ResNet generator table for {resolution}px; have {sorted(tables)}")
    return tables[resolution]


def resnet_discriminator_channels(resolution: int, ndf: int) -> tuple[list[int], list[bool]]:
    """``(widths, downsample flags)`` of the SNGAN ResNet discriminator's blocks, input side first."""
    tables = {
        32: ([ndf, ndf, ndf, ndf], [True, True, False, False]),
        48: ([ndf // 16, ndf // 8, ndf // 4, ndf // 2, ndf], [True, True, True, True, False]),
        64: ([ndf // 16, ndf // 8, ndf // 4, ndf // 2, ndf], [True, True, True, True, True]),
        128: ([ndf // 16, ndf // 8, ndf // 4, ndf // 2, ndf, ndf], [True, True, True, True, True, False]),
    }
    if resolution not in tables:
        raise ValueError(f"no ResNet discriminator table for {resolution}px; have {sorted(tables)}")
    return tables[resolution]


class ResNetGeneratorBackbone(nn.Module):
    """``Linear -> GBlock (x2 up) ... -> BN -> ReLU -> conv3x3 -> tanh``.

    Args:
        nz (int): Noise dimension.
        channels (list[int]): Widths, bottom first; ``len(channels) - 1`` upsampling blocks.
        bottom_width (int): Spatial size after the linear layer.
        nc (int): Output image channels.
        num_classes (int): If > 0, the blocks use class-conditional batch norm.
        spectral_norm (bool): Spectrally normalise every weight layer: the linear layer, the blocks'
            convolutions, the output convolution and the attention block (SAGAN, BigGAN).
        attention_after (int, optional): Insert a :class:`~torch_gan_zoo.modules.SelfAttention`
            after this many upsampling blocks (SAGAN), at ``channels[attention_after]`` channels.
        block_factory (callable, optional): ``(index, in_channels, out_channels) -> nn.Module`` builds
            each upsampling block instead of a ``GBlock`` (e.g. BigGAN's blocks, whose batch norms are
            conditioned on a vector); it is called as ``block(h)`` or ``block(h, cond)``.

    Shapes: z (N, nz), y (N,) long if conditional -> images (N, nc, H, W) in [-1, 1] with
    ``H = bottom_width * 2 ** (len(channels) - 1)``.
    """

    def __init__(self, nz: int, channels: Sequence[int], bottom_width: int, nc: int = 3, num_classes: int = 0,
                 spectral_norm: bool = False, attention_after: int | None = None,
                 block_factory: Callable[[int, int], nn.Module] | None = None) -> None:
        super().__init__()
        _check_attention_position(attention_after, len(channels))
        self.bottom_width = bottom_width
        self.attention_after = attention_after
        self.l1 = maybe_spectral_norm(nn.Linear(nz, bottom_width * bottom_width * channels[0]), spectral_norm)
        if block_factory is None:
            def block_factory(index, c_in, c_out):
                return GBlock(c_in, c_out, upsample=True, num_classes=num_classes, spectral_norm=spectral_norm)
        self.blocks = nn.ModuleList(
            block_factory(i, c_in, c_out) for i, (c_in, c_out) in enumerate(zip(channels[:-1], channels[1:]))
        )
        self.b_out = nn.BatchNorm2d(channels[-1])
        self.c_out = maybe_spectral_norm(nn.Conv2d(channels[-1], nc, 3, 1, 1), spectral_norm)
        init_weight_(self.l1, 1.0)
        init_weight_(self.c_out, 1.0)
        self.attention = None
        if attention_after is not None:
            self.attention = SelfAttention(channels[attention_after], spectral_norm=spectral_norm)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """Map noise ``z`` (N, nz) to images (N, nc, H, W) in [-1, 1].

        ``y`` conditions the blocks: ``None``, one input given to every block (labels (N,) long for
        class-conditional batch norm), or a list/tuple with one input per block (BigGAN's per-block
        vectors).
        """
        conds = list(y) if isinstance(y, (list, tuple)) else [y] * len(self.blocks)
        if len(conds) != len(self.blocks):
            raise ValueError(f"got {len(conds)} conditioning inputs for {len(self.blocks)} generator blocks")
        h = self.l1(z).view(z.shape[0], -1, self.bottom_width, self.bottom_width)
        for i, (block, cond) in enumerate(zip(self.blocks, conds), start=1):
            h = block(h) if cond is None else block(h, cond)
            if i == self.attention_after:
                h = self.attention(h)
        return torch.tanh(self.c_out(torch.relu(self.b_out(h))))


class ResNetDiscriminatorBackbone(nn.Module):
    """``DBlockOptimized -> DBlock ... -> ReLU -> global sum (or mean) pooling``: images to features.

    Args:
        nc (int): Input image channels.
        channels (list[int]): Block widths, input side first.
        downsample (list[bool]): Whether each block halves H and W (the first always does).
        spectral_norm (bool): Spectrally normalise every convolution (and the attention block).
        pooling (str): ``'sum'`` (SNGAN) or ``'mean'`` (WGAN-GP) over H and W.
        attention_after (int, optional): Insert a :class:`~torch_gan_zoo.modules.SelfAttention` after
            this many blocks (SAGAN); it must come before the last block.
        wide (bool): Give each block's inner convolution its output width, as BigGAN does, instead
            of its input width (SNGAN).

    Shapes: images (N, nc, H, W) -> features (N, channels[-1]). :meth:`features` also returns the
    local features, the output of every block but the last: (N, channels[-2], h, w).
    """

    def __init__(self, nc: int, channels: Sequence[int], downsample: Sequence[bool], spectral_norm: bool = True,
                 pooling: str = "sum", attention_after: int | None = None, wide: bool = False) -> None:
        super().__init__()
        if len(channels) != len(downsample) or not downsample[0]:
            raise ValueError("need one downsample flag per block, and the first block downsamples")
        if pooling not in ("sum", "mean"):
            raise ValueError(f"pooling must be 'sum' or 'mean', got {pooling!r}")
        _check_attention_position(attention_after, len(channels))
        self.out_channels = channels[-1]
        self.local_channels = channels[-2] if len(channels) > 1 else None
        self.pooling = pooling
        self.attention_after = attention_after
        blocks = [DBlockOptimized(nc, channels[0], spectral_norm=spectral_norm)]
        blocks += [
            DBlock(c_in, c_out, hidden_channels=c_out if wide else None, downsample=down, spectral_norm=spectral_norm)
            for c_in, c_out, down in zip(channels[:-1], channels[1:], downsample[1:])
        ]
        self.blocks = nn.Sequential(*blocks)
        self.attention = None
        if attention_after is not None:
            self.attention = SelfAttention(channels[attention_after - 1], spectral_norm=spectral_norm)

    def _pool(self, h):
        h = torch.relu(h)
        return h.sum(dim=(2, 3)) if self.pooling == "sum" else h.mean(dim=(2, 3))

    def local_features(self, x: torch.Tensor) -> torch.Tensor:
        """Output of every block but the last, (N, channels[-2], h, w), for images ``x`` (N, nc, H, W)."""
        h = x
        for i, block in enumerate(self.blocks[:-1], start=1):
            h = block(h)
            if i == self.attention_after:
                h = self.attention(h)
        return h

    def features(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(local, global)`` features of images ``x``: (N, channels[-2], h, w) and (N, channels[-1])."""
        local = self.local_features(x)
        return local, self._pool(self.blocks[-1](local))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Features (N, C) of images ``x`` (N, nc, H, W): ReLU then sum (or mean) over H and W."""
        return self.features(x)[1]


class ResNetDiscriminator(BaseDiscriminator):
    """The SNGAN ResNet discriminator trunk and a linear head, Xavier-initialised: images (N, nc, resolution,
    resolution) -> logits (N, 1). The discriminators of SNGAN, SAGAN, LSGAN and WGAN-GP are this class with
    their own defaults and options.

    Args:
        ndf: Width of the last block. nc: Image channels. loss_type: Adversarial loss.
        resolution: 32, 48, 64 or 128 (default: the class attribute ``resolution``); ``ndf`` left at
            ``FROM_TABLE`` takes that row of :attr:`resolution_defaults`.
        spectral_norm: Spectrally normalise the trunk and the head.
        **trunk_options: Further arguments of :class:`ResNetDiscriminatorBackbone` (``pooling``,
            ``attention_after``).
    """

    resolution_defaults = RESNET_DISCRIMINATOR_DEFAULTS

    def __init__(self, ndf: int = FROM_TABLE, nc: int = 3, loss_type: str = "hinge", *, resolution: int | None = None,
                 spectral_norm: bool = True, **trunk_options: Any):
        resolution, sizes = table_defaults(self, resolution, ndf=ndf)
        super().__init__(loss_type=loss_type, **sizes)
        self.nc, self.resolution = nc, resolution
        channels, downsample = resnet_discriminator_channels(resolution, self.ndf)
        self.backbone = ResNetDiscriminatorBackbone(nc, channels, downsample, spectral_norm=spectral_norm,
                                                    **trunk_options)
        self.l_out = maybe_spectral_norm(nn.Linear(channels[-1], 1), spectral_norm)
        init_weight_(self.l_out, 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (N, 1) of images ``x`` (N, nc, H, W)."""
        return self.l_out(self.backbone(x))
