"""CPPN GAN: a class-conditional generator that paints every pixel from its coordinates, for small,
geometric images (the ``shapes`` quickstart).

* Generator: a mapping network turns ``concat(z, embed(y))`` into a style vector ``w``, and a per-pixel
  MLP on the pixel coordinates, modulated by ``w`` (:class:`~torch_gan_zoo.modules.ModulatedPixelMLP`),
  paints each pixel (compositional pattern-producing networks, Stanley, 2007; as GAN generators, Ha,
  2016; per-pixel synthesis as in CIPS, Anokhin et al., CVPR 2021). Its first layer draws per-image
  half-planes and discs, so straight edges, corners and round outlines at any angle and position are
  one layer away, where a convolutional generator assembles them from local patterns.
* Discriminator: the cDCGAN's projection discriminator (the DCGAN trunk, ``w^T phi + b + <embed(y), phi>``)
  with an auxiliary classifier beside the projection (ACGAN, Odena et al., 2017): the cross-entropy of
  its class predictions on real and generated images is added to both networks' losses (weight
  ``cond_lambda``), which makes the generator draw the kind it is asked for.

Non-saturating loss, the mode-seeking term and TTUR (the ``cppn`` preset, the quickstart's recipe).
"""
from __future__ import annotations

from typing import Any

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_gan_zoo.config.validation import check_positive_int, check_switches
from torch_gan_zoo.modules.coords import pixel_coordinates
from torch_gan_zoo.modules.pixel_mlp import ModulatedPixelMLP
from torch_gan_zoo.nets.auxiliary import AuxiliaryDiscriminator, AuxiliaryLossGenerator
from torch_gan_zoo.nets.cdcgan import CDCGANDiscriminator, projection_dcgan_trunk
from torch_gan_zoo.nets.cgan import check_forward_labels
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.table import FROM_TABLE, frozen_table, table_defaults, with_columns

PAPER = ("Stanley, Compositional pattern producing networks, 2007, and Ha, Generating large images from latent "
         "vectors, 2016 (coordinate-MLP generators); Anokhin et al., Image Generators with Conditionally-"
         "Independent Pixel Synthesis, CVPR 2021; Miyato & Koyama, ICLR 2018 (projection discriminator); "
         "Odena et al., ICML 2017 (auxiliary classifier)")

__all__ = ["CPPNGenerator", "CPPNDiscriminator", "PAPER"]

#: Classes by default (MNIST, Fashion-MNIST, CIFAR-10, STL-10); a dataset with labels sets its own.
NUM_CLASSES = 10


class CPPNGenerator(AuxiliaryLossGenerator):
    """Class-conditional coordinate-MLP generator (see the module docstring).

    Args:
        nz: Noise dimension. num_classes: Number of classes. emb_dim: Length of the class embedding.
        style_dim: Length of the style vector ``w`` (the mapping network's width).
        hidden: Width of the per-pixel MLP. num_layers: Its modulated hidden layers after the first.
        radial: Give the first layer ``x^2 + y^2`` besides ``x`` and ``y`` (discs as well as half-planes).
        gain: Scale of the first layer's per-image weights (see :class:`~torch_gan_zoo.modules.ModulatedPixelMLP`).
        nc: Image channels. loss_type: Adversarial loss (default ``'ns'``).
        resolution: 28, 32, 48 or 64; ``FROM_TABLE`` arguments take that row of :attr:`resolution_defaults`
            (28 px grayscale, 10 classes).

    ``forward(z, y)``: z (N, nz) float, y (N,) long in ``[0, num_classes)`` -> images
    (N, nc, resolution, resolution) in [-1, 1].
    """

    resolution_defaults = frozen_table({
        res: {"nz": 64, "num_classes": NUM_CLASSES, "emb_dim": 16, "style_dim": 128, "hidden": 64, "num_layers": 3,
              "nc": 1 if res == 28 else 3}
        for res in (28, 32, 48, 64)})

    def __init__(self, nz: int = FROM_TABLE, num_classes: int = FROM_TABLE, emb_dim: int = FROM_TABLE,
                 style_dim: int = FROM_TABLE, hidden: int = FROM_TABLE, num_layers: int = FROM_TABLE,
                 nc: int = FROM_TABLE, loss_type: str = "ns", radial: bool = True, gain: float = 4.0, *,
                 resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, nz=nz, num_classes=num_classes, emb_dim=emb_dim,
                                           style_dim=style_dim, hidden=hidden, num_layers=num_layers, nc=nc)
        check_switches(radial=radial)
        for name in ("nz", "emb_dim", "style_dim", "nc"):
            check_positive_int(name, sizes[name])
        super().__init__(nz=sizes["nz"], num_classes=sizes["num_classes"], loss_type=loss_type)
        self.nc, self.emb_dim, self.resolution, self.radial = sizes["nc"], sizes["emb_dim"], resolution, radial
        self.embed = nn.Embedding(self.num_classes, self.emb_dim)
        style_dim = sizes["style_dim"]
        self.mapping = nn.Sequential(nn.Linear(self.nz + self.emb_dim, style_dim), nn.LeakyReLU(0.2),
                                     nn.Linear(style_dim, style_dim), nn.LeakyReLU(0.2))
        coords = pixel_coordinates(resolution, radial=radial)
        self.pixels = ModulatedPixelMLP(style_dim, coords.shape[1], sizes["hidden"], sizes["num_layers"], self.nc,
                                        gain=gain)
        self.register_buffer("coords", coords, persistent=False)  # rebuilt from resolution, not saved

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Images (N, nc, H, W) in [-1, 1] of classes ``y`` (N,) long from noise ``z`` (N, nz)."""
        if z.dim() != 2 or z.shape[1] != self.nz:
            raise ValueError(f"{type(self).__name__} expects noise of shape (N, {self.nz}), got {tuple(z.shape)}")
        check_forward_labels(self, y, z.shape[0])
        style = self.mapping(torch.cat([z, self.embed(y).to(z.dtype)], dim=1))
        return self.pixels(self.coords, style).view(z.shape[0], self.nc, self.resolution, self.resolution)


class CPPNDiscriminator(AuxiliaryDiscriminator):
    """The cDCGAN projection discriminator with an auxiliary classifier on the same features.

    Args:
        ndf: Width of the DCGAN trunk. num_classes: Number of classes. nc: Image channels.
        loss_type: Adversarial loss (default ``'ns'``).
        cond_lambda: Weight (>= 0) of the classifier's cross-entropy, for both networks (default 1).
        aux_loss_on_fakes: Also train the classifier on generated images with their sampled labels
            (default ``True``, the original ACGAN).
        resolution: 28, 32, 48 or 64 (the cDCGAN discriminator's table: DCGAN's sizes, 28 px grayscale).

    ``forward(x, y, return_aux=False)``: images (N, nc, R, R) in [-1, 1], y (N,) long -> logits (N, 1),
    or ``(logits, class logits (N, num_classes))`` with ``return_aux``.
    """

    resolution_defaults = with_columns(CDCGANDiscriminator.resolution_defaults, num_classes=NUM_CLASSES)

    def __init__(self, ndf: int = FROM_TABLE, num_classes: int = FROM_TABLE, nc: int = FROM_TABLE,
                 loss_type: str = "ns", cond_lambda: float = 1.0, aux_loss_on_fakes: bool = True, *,
                 resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, ndf=ndf, num_classes=num_classes, nc=nc)
        check_switches(aux_loss_on_fakes=aux_loss_on_fakes)
        nc = sizes.pop("nc")
        super().__init__(loss_type=loss_type, cond_lambda=cond_lambda, aux_loss_on_fakes=aux_loss_on_fakes,
                         **sizes)
        self.nc, self.resolution = nc, resolution
        self.trunk, self.head = projection_dcgan_trunk(self.ndf, self.num_classes, nc, resolution)
        self.classifier = nn.Linear(self.head.linear.in_features, self.num_classes)

    def forward(self, x: torch.Tensor, y: torch.Tensor, return_aux: bool = False) -> Any:
        """Logits (N, 1) of images ``x`` (N, nc, H, W) for classes ``y`` (N,) long; with ``return_aux`` also
        the class logits (N, num_classes)."""
        check_forward_labels(self, y, x.shape[0])
        features = self.trunk(x)
        logits = self.head(features, y)
        return (logits, self.classifier(features)) if return_aux else logits

    def compute_aux_loss(self, aux: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Cross-entropy (float32 scalar) of class logits ``aux`` (N, num_classes) for ``labels`` (N,)."""
        return F.cross_entropy(aux.float(), labels)


__all__.extend(register_builtin_variant(__name__, "cppn", CPPNGenerator, CPPNDiscriminator, PAPER))
