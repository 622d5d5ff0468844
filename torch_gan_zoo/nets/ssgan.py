"""SSGAN: a spectrally normalised ResNet GAN whose discriminator also predicts image rotations
(Chen et al., Self-Supervised GANs via Auxiliary Rotation Loss, CVPR 2019).

SNGAN's networks, plus a rotation head on the discriminator's pooled features that classifies images
into 4 rotations (0, 90, 180, 270 degrees). As in Mimicry, each quarter of a batch is rotated by one
angle (:func:`rotate_quarters`), so the rotation task costs one extra forward pass of one batch.

* Discriminator step: the adversarial loss plus ``rotation_weight`` (alpha, paper: 1) times the
  rotation cross-entropy on *real* images, added through :meth:`SSGANDiscriminator.compute_regularizers`
  (logged as ``errD_SS``, group ``regularizer``).
* Generator step: the adversarial loss plus ``rotation_weight`` (beta, paper: 0.2) times the rotation
  cross-entropy on its *generated* images (``errG_SS``, group ``loss``), added by
  :meth:`SSGANGenerator.compute_generator_losses`.
"""
from __future__ import annotations

import contextlib
from typing import Any

import torch
import torch.nn.functional as F

from torch_gan_zoo.modules import SNLinear
from torch_gan_zoo.nets.backbones import init_weight_
from torch_gan_zoo.nets.gan import LossTerm, StepLosses
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.sngan import SNGANDiscriminator, SNGANGenerator
from torch_gan_zoo.nets.table import FROM_TABLE

PAPER = "Chen et al., Self-Supervised GANs via Auxiliary Rotation Loss, CVPR 2019"

__all__ = ["SSGANGenerator", "SSGANDiscriminator", "SSGANBaseGenerator", "SSGANBaseDiscriminator", "rotate_quarters",
           "NUM_ROTATIONS", "PAPER"]

#: Rotation classes: 0, 90, 180 and 270 degrees counter-clockwise.
NUM_ROTATIONS = 4


def rotate_quarters(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Rotate the k-th quarter of a batch by k * 90 degrees counter-clockwise (k = 0..3).

    Args:
        images: float (N, C, H, H) (square).

    Returns:
        tuple: ``(rotated, labels)``: float (N, C, H, H) and long (N,) with ``labels[i] = 4 * i // N``.
    """
    if images.dim() != 4 or images.shape[2] != images.shape[3]:
        raise ValueError(f"rotation needs square images (N, C, H, H), got {tuple(images.shape)}")
    n = images.shape[0]
    classes = [NUM_ROTATIONS * i // n for i in range(n)]
    chunks = torch.split(images, [classes.count(k) for k in range(NUM_ROTATIONS)])
    rotated = torch.cat([torch.rot90(chunk, k, dims=(2, 3)) for k, chunk in enumerate(chunks)])
    return rotated, torch.tensor(classes, dtype=torch.long, device=images.device)


class SSGANGenerator(SNGANGenerator):
    """SNGAN's ResNet generator that also makes its images' rotations recognisable to D.

    Args:
        nz, ngf, bottom_width, nc, resolution: As in :class:`~torch_gan_zoo.nets.sngan.SNGANGenerator`.
        loss_type (str): Adversarial loss (default ``'hinge'``, as Mimicry).
        rotation_weight (float): beta, the weight of the rotation loss on generated images (paper: 0.2).

    ``forward(z)``: z (N, nz) -> images (N, nc, resolution, resolution) in [-1, 1].
    """

    def __init__(self, nz: int = 128, ngf: int = FROM_TABLE, bottom_width: int = FROM_TABLE, nc: int = 3,
                 loss_type: str = "hinge", rotation_weight: float = 0.2, *, resolution: int | None = None):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type, resolution=resolution)
        self.rotation_weight = rotation_weight

    def compute_generator_losses(self, fake_images: torch.Tensor, fake_labels: torch.Tensor | None,
                                 netD: SSGANDiscriminator, amp_dtype: torch.dtype | None = None) -> StepLosses:
        """``errG`` plus ``errG_SS``: ``rotation_weight`` times the rotation loss of ``netD`` (an
        :class:`SSGANDiscriminator`) on the generated images (logged weighted, group ``loss``).
        Arguments and return as in :meth:`~torch_gan_zoo.nets.BaseGenerator.compute_generator_losses`."""
        if not hasattr(netD, "rotation_loss"):
            raise TypeError(f"an SSGAN generator trains against an SSGAN discriminator, got {type(netD).__name__}")
        terms = super().compute_generator_losses(fake_images, fake_labels, netD, amp_dtype=amp_dtype)
        terms["errG_SS"] = LossTerm(self.rotation_weight * netD.rotation_loss(fake_images, amp_dtype))
        return terms


class SSGANDiscriminator(SNGANDiscriminator):
    """SNGAN's discriminator with a spectrally normalised linear rotation head on the pooled features.

    Args:
        ndf, nc, resolution: As in :class:`~torch_gan_zoo.nets.sngan.SNGANDiscriminator`.
        loss_type (str): Adversarial loss (default ``'hinge'``).
        rotation_weight (float): alpha, the weight of the rotation loss on real images (paper: 1).

    ``forward(x)``: images (N, nc, H, W) -> logits (N, 1); ``forward(x, rotation=True)`` -> ``(logits
    (N, 1), rotation logits (N, 4))``.
    """

    def __init__(self, ndf: int = FROM_TABLE, nc: int = 3, loss_type: str = "hinge", rotation_weight: float = 1.0,
                 *, resolution: int | None = None):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type, resolution=resolution)
        self.rotation_weight = rotation_weight
        self.l_rotation = SNLinear(self.backbone.out_channels, NUM_ROTATIONS)
        init_weight_(self.l_rotation, 1.0)

    def forward(self, x: torch.Tensor, rotation: bool = False) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
        """Logits (N, 1) of images ``x`` (N, nc, H, W), and the rotation logits (N, 4) if ``rotation``."""
        h = self.backbone(x)
        output = self.l_out(h)
        return (output, self.l_rotation(h)) if rotation else output

    def rotation_loss(self, images: torch.Tensor, amp_dtype: torch.dtype | None = None) -> torch.Tensor:
        """Cross-entropy of the rotation head on :func:`rotate_quarters` of ``images`` (float (N, C, H, H)).

        The rotated images pass through :attr:`augment` like every image D scores. Returns a float32
        scalar (unweighted).
        """
        rotated, labels = rotate_quarters(images)
        with self.forward_autocast(amp_dtype) if amp_dtype is not None else contextlib.nullcontext():
            _, rotation_logits = self.discriminate(rotated, rotation=True)
        return F.cross_entropy(rotation_logits.float(), labels)

    def compute_regularizers(self, **context: Any) -> dict[str, torch.Tensor]:
        """The attached regularisers plus ``errD_SS``: ``rotation_weight`` times the rotation loss on
        the step's real images.

        The rotation term is added here rather than in
        :meth:`~torch_gan_zoo.nets.BaseDiscriminator.compute_discriminator_losses` because it needs
        its own forward pass (of the rotated batch) and has always been evaluated after the attached
        regularisers and logged with them (group ``regularizer``): moving it would reorder the
        forward passes, and so the augmentation's random draws and the spectral-norm power
        iterations, of runs with regularisers.
        """
        terms = super().compute_regularizers(**context)
        terms["errD_SS"] = self.rotation_weight * self.rotation_loss(context["real_images"], context.get("amp_dtype"))
        return terms


SSGANBaseGenerator, SSGANBaseDiscriminator = SSGANGenerator, SSGANDiscriminator  # earlier names

__all__.extend(register_builtin_variant(__name__, "ssgan", SSGANGenerator, SSGANDiscriminator, PAPER))
