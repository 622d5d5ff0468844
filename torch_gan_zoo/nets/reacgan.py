"""ReACGAN: ACGAN rebooted with the data-to-data cross-entropy (Kang et al., NeurIPS 2021), on BigGAN's networks.

ContraGAN's networks trained with the
data-to-data cross-entropy (D2D-CE) instead of the 2C loss
(:func:`~torch_gan_zoo.losses.data_to_data_cross_entropy_loss`): margins ``m_p``/``m_n`` stop
easy positives and negatives from contributing, and same-class samples are not negatives.

Loss weights and preset are StudioGAN's CIFAR-10 ReACGAN (configs/CIFAR10/ReACGAN.yaml on top of
src/config.py): temperature 0.5, ``m_p`` 0.98 (``m_n = 1 - m_p``), ``cond_lambda`` 0.5, batch 128 with
the learning rate scaled by sqrt(2) (2.8284271e-4).
"""
from __future__ import annotations

import torch

from torch_gan_zoo.losses.contrastive import data_to_data_cross_entropy_loss
from torch_gan_zoo.nets.contragan import ContraGANDiscriminator, ContraGANGenerator
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.table import FROM_TABLE

PAPER = "Kang et al., Rebooting ACGAN: Auxiliary Classifier GANs with Stable Training, NeurIPS 2021"

__all__ = ["ReACGANGenerator", "ReACGANDiscriminator", "ReACGANBaseDiscriminator", "PAPER"]


class ReACGANGenerator(ContraGANGenerator):
    """BigGAN's generator without orthogonal regularisation, as ContraGAN's
    (:class:`~torch_gan_zoo.nets.contragan.ContraGANGenerator`)."""


class ReACGANDiscriminator(ContraGANDiscriminator):
    """ContraGAN's discriminator with the D2D-CE loss.

    Args:
        ndf, num_classes, nc, attention_resolution, embed_dim, loss_type: As in
            :class:`~torch_gan_zoo.nets.contragan.ContraGANDiscriminator`; resolution too.
        temperature (float): D2D-CE temperature (0.5).
        pos_margin (float): ``m_p`` (0.98). neg_margin (float): ``m_n`` (0.02).
        cond_lambda (float): Weight of the D2D-CE loss (0.5).
    """

    def __init__(self, ndf: int = FROM_TABLE, num_classes: int = FROM_TABLE, nc: int = 3,
                 attention_resolution: int | None = FROM_TABLE, embed_dim: int = 512, temperature: float = 0.5,
                 pos_margin: float = 0.98, neg_margin: float = 0.02, cond_lambda: float = 0.5, loss_type: str = "hinge",
                 *, resolution: int | None = None):
        super().__init__(ndf=ndf, num_classes=num_classes, nc=nc, attention_resolution=attention_resolution,
                         embed_dim=embed_dim, temperature=temperature, cond_lambda=cond_lambda, loss_type=loss_type,
                         resolution=resolution)
        self.pos_margin = float(pos_margin)
        self.neg_margin = float(neg_margin)

    def compute_aux_loss(self, aux: tuple[torch.Tensor, torch.Tensor], labels: torch.Tensor) -> torch.Tensor:
        """The D2D-CE loss (float32 scalar) of ``aux = (embeddings, proxies)`` for ``labels`` (N,)."""
        embed, proxy = aux
        return data_to_data_cross_entropy_loss(embed, proxy, labels, self.temperature, self.pos_margin, self.neg_margin)


ReACGANBaseDiscriminator = ReACGANDiscriminator  # earlier names

__all__.extend(register_builtin_variant(__name__, "reacgan", ReACGANGenerator, ReACGANDiscriminator, PAPER))
