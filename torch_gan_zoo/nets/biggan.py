"""BigGAN: shared class embedding, hierarchical latent, orthogonal regularisation (Brock et al., ICLR 2019).

Generator: the ResNet generator trunk with :class:`~torch_gan_zoo.modules.biggan_blocks.BigGANGBlock`
blocks. A shared class embedding (``shared_dim``) replaces per-block class lookups, and the latent is
hierarchical: ``z`` is split into ``num_blocks + 1`` equal chunks, the first feeds the linear layer,
and each block's batch norms see ``[shared(y), chunk_k]``. Every layer is spectrally normalised;
self-attention after the block at ``attention_resolution``; orthogonal initialisation; optional
orthogonal regularisation (``ortho_reg_weight``, added to the generator loss in its train step).
Truncation (``generate_images(..., truncation=t)``) truncates the whole ``z``, every chunk included.

Discriminator: the spectrally normalised ResNet trunk with self-attention after the block at
``attention_resolution`` and a projection head; orthogonal initialisation. Hinge loss.

Widths are StudioGAN's / BigGAN-PyTorch's with ``ch = 96``: ``ngf = 4 ch, ndf = 2 ch`` at 32 px and
``ngf = ndf = 16 ch`` at 64 and 128 px (the trunks' channel tables reproduce their per-block widths).
The preset is StudioGAN's CIFAR-10 BigGAN; see ``docs/variants_conditional.rst`` for the paper's
ImageNet 128 px settings as ``--set`` overrides.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from torch_gan_zoo.losses.orthogonal import orthogonal_regularization
from torch_gan_zoo.modules.biggan_blocks import BigGANGBlock
from torch_gan_zoo.modules.projection import ProjectionHead
from torch_gan_zoo.modules.weight_init import orthogonal_init_
from torch_gan_zoo.nets.auxiliary import AuxiliaryLossGenerator
from torch_gan_zoo.nets.backbones import (
    ResNetDiscriminatorBackbone,
    ResNetGeneratorBackbone,
    resnet_discriminator_channels,
    resnet_generator_channels,
)
from torch_gan_zoo.nets.cgan import BaseConditionalDiscriminator
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.table import FROM_TABLE, frozen_table, table_defaults

PAPER = "Brock et al., Large Scale GAN Training for High Fidelity Natural Image Synthesis, ICLR 2019"

__all__ = ["BigGANGenerator", "BigGANDiscriminator", "BigGANBaseGenerator", "BigGANBaseDiscriminator",
           "BIGGAN_GENERATOR_DEFAULTS", "BIGGAN_DISCRIMINATOR_DEFAULTS", "biggan_discriminator_trunk", "PAPER"]

#: Per-resolution defaults: StudioGAN's CIFAR-10 sizes at 32 px (ch=96, nz=80 in 4 chunks), ch=96 widths and
#: ImageNet's 1000 classes above; attention at half the resolution.
BIGGAN_GENERATOR_DEFAULTS = frozen_table({
    32: {"nz": 80, "ngf": 384, "bottom_width": 4, "num_classes": 10, "attention_resolution": 16},
    48: {"nz": 120, "ngf": 768, "bottom_width": 6, "num_classes": 10, "attention_resolution": 24},
    64: {"nz": 120, "ngf": 1536, "bottom_width": 4, "num_classes": 1000, "attention_resolution": 32},
    128: {"nz": 120, "ngf": 1536, "bottom_width": 4, "num_classes": 1000, "attention_resolution": 64},
})
BIGGAN_DISCRIMINATOR_DEFAULTS = frozen_table({
    32: {"ndf": 192, "num_classes": 10, "attention_resolution": 16},
    48: {"ndf": 1536, "num_classes": 10, "attention_resolution": 24},
    64: {"ndf": 1536, "num_classes": 1000, "attention_resolution": 32},
    128: {"ndf": 1536, "num_classes": 1000, "attention_resolution": 64},
})


def _attention_index(output_sizes, attention_resolution, network):
    """Index of the block whose output is ``attention_resolution`` pixels wide (None: no attention)."""
    if attention_resolution is None:
        return None
    if attention_resolution not in output_sizes:
        raise ValueError(f"the {network}'s blocks output {sorted(set(output_sizes))} px feature maps; "
                         f"attention_resolution={attention_resolution} is none of them (None disables attention)")
    return output_sizes.index(attention_resolution)


def biggan_discriminator_trunk(resolution: int, nc: int, ndf: int,
                               attention_resolution: int | None) -> ResNetDiscriminatorBackbone:
    """BigGAN's discriminator trunk: the spectrally normalised ResNet discriminator trunk with wide
    blocks (inner width = output width) and self-attention after the first block whose output is
    ``attention_resolution`` px (or none).

    Returns:
        ResNetDiscriminatorBackbone: images (N, nc, resolution, resolution) -> features (N, out_channels).
    """
    channels, downsample = resnet_discriminator_channels(resolution, ndf)
    sizes, size = [], resolution
    for down in downsample:
        size = size // 2 if down else size
        sizes.append(size)
    index = _attention_index(sizes, attention_resolution, "discriminator")
    return ResNetDiscriminatorBackbone(nc, channels, downsample, spectral_norm=True, wide=True,
                                       attention_after=None if index is None else index + 1)


class BigGANGenerator(AuxiliaryLossGenerator):
    """BigGAN generator.

    Args:
        nz (int): Noise dimension; must split into ``num_blocks + 1`` equal chunks.
        ngf (int): Width of the first block. bottom_width (int): Size of the first feature map.
        num_classes (int): Number of classes. shared_dim (int): Size of the shared class embedding.
        nc (int): Image channels.
        attention_resolution (int or None): Self-attention after the block with this output size.
        ortho_reg_weight (float): ``beta`` of the orthogonal regularisation added to the generator loss
            (paper: 1e-4; 0 disables it). It covers every weight with >= 2 dimensions except the
            shared embedding (biases and gains have 1).
        loss_type (str): Adversarial loss (default ``'hinge'``).
        resolution (int): 32, 48, 64 or 128; ``FROM_TABLE`` arguments take that row of :attr:`resolution_defaults`.

    ``forward(z, y)``: z (N, nz), y (N,) long -> images (N, nc, resolution, resolution) in [-1, 1].
    """

    resolution_defaults = BIGGAN_GENERATOR_DEFAULTS

    def __init__(self, nz: int = FROM_TABLE, ngf: int = FROM_TABLE, bottom_width: int = FROM_TABLE,
                 num_classes: int = FROM_TABLE, shared_dim: int = 128, nc: int = 3,
                 attention_resolution: int | None = FROM_TABLE, ortho_reg_weight: float = 1e-4,
                 loss_type: str = "hinge", *, resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, nz=nz, ngf=ngf, bottom_width=bottom_width,
                                           num_classes=num_classes, attention_resolution=attention_resolution)
        nz, ngf, bottom_width, num_classes = sizes["nz"], sizes["ngf"], sizes["bottom_width"], sizes["num_classes"]
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, num_classes=num_classes, loss_type=loss_type)
        self.resolution = resolution
        channels = resnet_generator_channels(resolution, ngf)
        num_blocks = len(channels) - 1
        if nz % (num_blocks + 1):
            raise ValueError(f"BigGAN's hierarchical latent splits z into {num_blocks + 1} equal chunks (one for the "
                             f"linear layer, one per block) at {resolution} px: nz={nz} is not divisible by "
                             f"{num_blocks + 1}")
        if not ortho_reg_weight >= 0:
            raise ValueError(f"ortho_reg_weight must be >= 0, got {ortho_reg_weight}")
        self.nc = nc
        self.shared_dim = shared_dim
        self.ortho_reg_weight = float(ortho_reg_weight)
        self.chunk_size = nz // (num_blocks + 1)
        self.attention_resolution = sizes["attention_resolution"]
        cond_dim = self.chunk_size + shared_dim
        block_sizes = [bottom_width * 2 ** (i + 1) for i in range(num_blocks)]
        attention_index = _attention_index(block_sizes, self.attention_resolution, "generator")
        self.shared = nn.Embedding(num_classes, shared_dim)
        self.backbone = ResNetGeneratorBackbone(
            self.chunk_size, channels, bottom_width, nc, spectral_norm=True,
            attention_after=None if attention_index is None else attention_index + 1,
            block_factory=lambda index, c_in, c_out: BigGANGBlock(c_in, c_out, cond_dim))
        orthogonal_init_(self)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Images (N, nc, H, W) in [-1, 1] of classes ``y`` (N,) from noise ``z`` (N, nz)."""
        if z.dim() != 2 or z.shape[1] != self.nz:
            raise ValueError(f"{type(self).__name__} expects noise of shape (N, {self.nz}), got {tuple(z.shape)}")
        chunks = torch.split(z, self.chunk_size, dim=1)
        shared = self.shared(y)
        return self.backbone(chunks[0], [torch.cat([shared, chunk], dim=1) for chunk in chunks[1:]])

    def compute_weight_regularizers(self) -> dict[str, torch.Tensor]:
        """``{'ortho': beta * sum_W ||W^T W * (1 - I)||_F^2}`` over the regularised weights (float32),
        or ``{}`` when ``ortho_reg_weight`` is 0."""
        if not self.ortho_reg_weight:
            return {}
        return {"ortho": orthogonal_regularization(self.ortho_regularized_weights(), self.ortho_reg_weight)}

    def ortho_regularized_weights(self) -> list[nn.Parameter]:
        """The weights orthogonal regularisation covers: every parameter with >= 2 dimensions except
        the shared class embedding (for spectrally normalised layers, the unnormalised weight)."""
        shared = {id(p) for p in self.shared.parameters()}
        return [p for p in self.parameters() if p.dim() >= 2 and id(p) not in shared]


class BigGANDiscriminator(BaseConditionalDiscriminator):
    """BigGAN discriminator: :func:`biggan_discriminator_trunk` and a projection head.

    Args:
        ndf (int): Width of the last block. num_classes (int): Number of classes. nc (int): Image channels.
        attention_resolution (int or None): Self-attention after the block with this output size.
        loss_type (str): Adversarial loss (default ``'hinge'``).
        resolution (int): 32, 48, 64 or 128 (see :class:`BigGANGenerator`).

    ``forward(x, y)``: images (N, nc, resolution, resolution), y (N,) long -> logits (N, 1).
    """

    resolution_defaults = BIGGAN_DISCRIMINATOR_DEFAULTS

    def __init__(self, ndf: int = FROM_TABLE, num_classes: int = FROM_TABLE, nc: int = 3,
                 attention_resolution: int | None = FROM_TABLE, loss_type: str = "hinge", *,
                 resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, ndf=ndf, num_classes=num_classes,
                                           attention_resolution=attention_resolution)
        super().__init__(ndf=sizes["ndf"], num_classes=sizes["num_classes"], loss_type=loss_type)
        self.nc, self.resolution = nc, resolution
        self.backbone = biggan_discriminator_trunk(resolution, nc, self.ndf, sizes["attention_resolution"])
        self.head = ProjectionHead(self.backbone.out_channels, self.num_classes)
        orthogonal_init_(self)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Logits (N, 1) of images ``x`` (N, nc, H, W) for classes ``y`` (N,)."""
        return self.head(self.backbone(x), y)


BigGANBaseGenerator, BigGANBaseDiscriminator = BigGANGenerator, BigGANDiscriminator  # earlier names

__all__.extend(register_builtin_variant(__name__, "biggan", BigGANGenerator, BigGANDiscriminator, PAPER))
