"""ACGAN: a discriminator with an auxiliary classifier (Odena et al., ICML 2017), on the SN ResNet trunk.

A discriminator with an auxiliary classifier
head next to its adversarial logit, trained on the adversarial loss plus the cross-entropy of the
class predictions; the generator adds the cross-entropy of the classes it was asked for.

Architecture: StudioGAN's modernised ACGAN ("ACGAN-Mod") rather than the paper's DCGAN-like
networks: the same SNGAN ResNet generator with conditional batch norm as cGAN-PD, and the
spectrally normalised SNGAN ResNet discriminator trunk with two spectrally normalised linear heads
(adversarial logit, class logits); hinge loss. The class loss follows the paper: the discriminator
classifies real images *and* generated ones (with their sampled labels); ``classify_fakes=False``
gives StudioGAN's variant (real images only). Preset: StudioGAN's defaults for ACGAN-Mod on CIFAR-10.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from torch_gan_zoo.modules import SNLinear
from torch_gan_zoo.modules.weight_init import init_weight_
from torch_gan_zoo.nets.auxiliary import AuxiliaryDiscriminator
from torch_gan_zoo.nets.backbones import ResNetDiscriminatorBackbone, resnet_discriminator_channels
from torch_gan_zoo.nets.cgan_pd import CONDITIONAL_DISCRIMINATOR_DEFAULTS, CGANPDGenerator
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.table import FROM_TABLE, table_defaults

PAPER = "Odena et al., Conditional Image Synthesis with Auxiliary Classifier GANs, ICML 2017"

__all__ = ["ACGANGenerator", "ACGANDiscriminator", "ACGANBaseDiscriminator", "PAPER"]


class ACGANGenerator(CGANPDGenerator):
    """ACGAN's generator: the cGAN-PD generator (:class:`~torch_gan_zoo.nets.cgan_pd.CGANPDGenerator`), z (N, nz),
    y (N,) -> images (N, nc, resolution, resolution) in [-1, 1]; its loss adds the classifier's term."""


class ACGANDiscriminator(AuxiliaryDiscriminator):
    """SNGAN ResNet discriminator with an adversarial and an auxiliary classifier head.

    Args:
        ndf (int): Width of the last block. num_classes (int): Number of classes.
        nc (int): Image channels.
        cond_lambda (float): Weight of the classification loss (1.0, as in the paper and StudioGAN).
        classify_fakes (bool): Train the classifier on generated images too (the paper) or only on
            real ones (StudioGAN).
        loss_type (str): Adversarial loss (default ``'hinge'``).
        resolution (int): 32, 48, 64 or 128 (sizes as cGAN-PD's).

    ``forward(x, y=None, return_aux=False)``: images (N, nc, resolution, resolution) -> logits (N, 1),
    or ``(logits, class_logits (N, num_classes))``; the labels do not enter the forward pass.
    """

    resolution_defaults = CONDITIONAL_DISCRIMINATOR_DEFAULTS

    def __init__(self, ndf: int = FROM_TABLE, num_classes: int = FROM_TABLE, nc: int = 3, cond_lambda: float = 1.0,
                 classify_fakes: bool = True, loss_type: str = "hinge", *, resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, ndf=ndf, num_classes=num_classes)
        super().__init__(loss_type=loss_type, cond_lambda=cond_lambda, aux_loss_on_fakes=classify_fakes, **sizes)
        self.nc, self.resolution = nc, resolution
        channels, downsample = resnet_discriminator_channels(resolution, self.ndf)
        self.backbone = ResNetDiscriminatorBackbone(nc, channels, downsample, spectral_norm=True)
        self.l_out = SNLinear(channels[-1], 1)
        self.l_cls = SNLinear(channels[-1], self.num_classes, bias=False)
        for layer in (self.l_out, self.l_cls):
            init_weight_(layer, 1.0)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None, return_aux: bool = False):
        """Logits (N, 1) of images ``x`` (N, nc, H, W), and class logits (N, num_classes) if ``return_aux``."""
        h = self.backbone(x)
        logits = self.l_out(h)
        return (logits, self.l_cls(h)) if return_aux else logits

    def compute_aux_loss(self, class_logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Cross-entropy (float32 scalar) of ``class_logits`` (N, num_classes) against ``labels`` (N,)."""
        return F.cross_entropy(class_logits.float(), labels)


ACGANBaseDiscriminator = ACGANDiscriminator  # earlier names

__all__.extend(register_builtin_variant(__name__, "acgan", ACGANGenerator, ACGANDiscriminator, PAPER))
