"""cDCGAN: a class-conditional DCGAN, small and fast enough to train on a CPU.

The DCGAN networks of :mod:`torch_gan_zoo.nets.dcgan` (same layers per resolution, same initialisation,
no batch norm in the discriminator), conditioned on a class label ``y``:

* Generator: the DCGAN generator fed ``concat(z, embed(y))``, a learned class embedding of length
  ``emb_dim`` appended to the noise (conditioning by input concatenation, Mirza & Osindero, 2014).
* Discriminator: the DCGAN discriminator's trunk up to its last hidden features ``phi(x)`` (N, F), then
  ``logit = w^T phi + b + <embed(y), phi>`` (the projection discriminator, Miyato & Koyama, 2018),
  without spectral normalisation, as DCGAN's discriminator has none.

Non-saturating loss and DCGAN's Adam settings (the ``cdcgan`` preset). At 28 px (MNIST,
Fashion-MNIST) these are the InfoGAN MNIST networks, grayscale.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from torch_gan_zoo.config.validation import check_positive_int, check_switches
from torch_gan_zoo.modules.projection import ProjectionHead
from torch_gan_zoo.nets.auxiliary import AuxiliaryLossGenerator
from torch_gan_zoo.nets.cgan import BaseConditionalDiscriminator, check_forward_labels
from torch_gan_zoo.nets.dcgan import (
    DCGANDiscriminator,
    DCGANGenerator,
    _stack,
    dcgan_discriminator_trunk,
    init_dcgan_weights,
)
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.table import FROM_TABLE, table_defaults, with_columns

PAPER = ("Mirza & Osindero, Conditional Generative Adversarial Nets, 2014 (generator conditioned by input "
         "concatenation); Miyato & Koyama, cGANs with Projection Discriminator, ICLR 2018; DCGAN layers "
         "(Radford et al., ICLR 2016)")

__all__ = ["CDCGANGenerator", "CDCGANDiscriminator", "projection_dcgan_trunk", "PAPER"]

#: Classes by default (MNIST, Fashion-MNIST, CIFAR-10, STL-10); a dataset with labels sets its own.
NUM_CLASSES = 10
#: Length of the generator's class embedding per resolution.
EMBEDDING_DIM = {28: 16, 32: 32, 48: 32, 64: 64}


class CDCGANGenerator(AuxiliaryLossGenerator):
    """Class-conditional DCGAN generator: the DCGAN stack of ``resolution`` fed ``concat(z, embed(y))``.

    Args:
        nz: Noise dimension. ngf: Width of the first (smallest) feature map. bottom_width: Its size.
        num_classes: Number of classes. emb_dim: Length of the learned class embedding.
        nc: Image channels. loss_type: Adversarial loss (default ``'ns'``).
        upsample: Resize-convolutions instead of transposed convolutions, as
            :class:`~torch_gan_zoo.nets.dcgan.DCGANGenerator` (default ``False``).
        coord_conv: Pixel-coordinate channels before every convolution, as
            :class:`~torch_gan_zoo.nets.dcgan.DCGANGenerator` (default ``False``).
        conv_width: Multiplier of the convolutions' channels, as
            :class:`~torch_gan_zoo.nets.dcgan.DCGANGenerator` (default 1).
        resolution: 28, 32, 48 or 64; ``FROM_TABLE`` arguments take that row of :attr:`resolution_defaults`
            (DCGAN's sizes, 10 classes, 28 px grayscale).

    ``forward(z, y)``: z (N, nz) float, y (N,) long in ``[0, num_classes)`` -> images
    (N, nc, resolution, resolution) in [-1, 1].
    """

    resolution_defaults = with_columns(DCGANGenerator.resolution_defaults, num_classes=NUM_CLASSES,
                                       emb_dim=EMBEDDING_DIM)

    def __init__(self, nz: int = FROM_TABLE, ngf: int = FROM_TABLE, bottom_width: int = FROM_TABLE,
                 num_classes: int = FROM_TABLE, emb_dim: int = FROM_TABLE, nc: int = FROM_TABLE,
                 loss_type: str = "ns", upsample: bool = False, coord_conv: bool = False, conv_width: int = 1, *,
                 resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, nz=nz, ngf=ngf, bottom_width=bottom_width,
                                           num_classes=num_classes, emb_dim=emb_dim, nc=nc)
        check_switches(upsample=upsample, coord_conv=coord_conv)
        conv_width = check_positive_int("conv_width", conv_width)
        emb_dim, nc = check_positive_int("emb_dim", sizes.pop("emb_dim")), sizes.pop("nc")
        super().__init__(loss_type=loss_type, **sizes)
        self.nc, self.emb_dim, self.resolution = nc, emb_dim, resolution
        self.embed = nn.Embedding(self.num_classes, emb_dim)
        self.upsample, self.coord_conv, self.conv_width = upsample, coord_conv, conv_width
        self.main = _stack(type(self).__name__, resolution, 0)(self.nz + emb_dim, self.ngf, self.bottom_width, nc,
                                                                upsample=upsample, coord_conv=coord_conv,
                                                                conv_width=conv_width)
        self.apply(init_dcgan_weights)  # the embedding keeps PyTorch's N(0, 1)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Images (N, nc, H, W) in [-1, 1] of classes ``y`` (N,) long from noise ``z`` (N, nz)."""
        if z.dim() != 2 or z.shape[1] != self.nz:
            raise ValueError(f"{type(self).__name__} expects noise of shape (N, {self.nz}), got {tuple(z.shape)}")
        check_forward_labels(self, y, z.shape[0])
        return self.main(torch.cat([z, self.embed(y).to(z.dtype)], dim=1))


def projection_dcgan_trunk(ndf: int, num_classes: int, nc: int, resolution: int) -> tuple[nn.Sequential,
                                                                                        ProjectionHead]:
    """The DCGAN discriminator trunk of ``resolution`` px (images (N, nc, R, R) -> features (N, F)) and a
    projection head on its features (without spectral norm), initialised as DCGAN: ``(trunk, head)``."""
    trunk, features = dcgan_discriminator_trunk(ndf, nc, resolution)
    head = ProjectionHead(features, num_classes, spectral_norm=False)
    trunk.apply(init_dcgan_weights)
    init_dcgan_weights(head.linear)
    nn.init.normal_(head.embed.weight, 0.0, 0.02)
    return trunk, head


class CDCGANDiscriminator(BaseConditionalDiscriminator):
    """Projection discriminator on the DCGAN trunk: ``logit = w^T phi(x) + b + <embed(y), phi(x)>``.

    Args:
        ndf: Width of the last (smallest) feature map. num_classes: Number of classes.
        nc: Image channels. loss_type: Adversarial loss (default ``'ns'``).
        resolution: 28, 32, 48 or 64 (see :class:`CDCGANGenerator`).

    ``forward(x, y)``: images (N, nc, resolution, resolution) in [-1, 1], y (N,) long -> logits (N, 1).
    """

    resolution_defaults = with_columns(DCGANDiscriminator.resolution_defaults, num_classes=NUM_CLASSES)

    def __init__(self, ndf: int = FROM_TABLE, num_classes: int = FROM_TABLE, nc: int = FROM_TABLE,
                 loss_type: str = "ns", *, resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, ndf=ndf, num_classes=num_classes, nc=nc)
        nc = sizes.pop("nc")
        super().__init__(loss_type=loss_type, **sizes)
        self.nc, self.resolution = nc, resolution
        self.trunk, self.head = projection_dcgan_trunk(self.ndf, self.num_classes, nc, resolution)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The last hidden features phi(x) (N, F) of images ``x`` (N, nc, H, W)."""
        return self.trunk(x)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Logits (N, 1) of images ``x`` (N, nc, H, W) for classes ``y`` (N,) long."""
        check_forward_labels(self, y, x.shape[0])
        return self.head(self.trunk(x), y)


__all__.extend(register_builtin_variant(__name__, "cdcgan", CDCGANGenerator, CDCGANDiscriminator, PAPER))
