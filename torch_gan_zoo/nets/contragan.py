"""ContraGAN: contrastive learning for conditional generation (Kang & Park, NeurIPS 2020), on BigGAN's networks.

BigGAN's networks, with the projection
head of the discriminator replaced by a conditional contrastive one. The discriminator maps pooled
features ``h`` to an adversarial logit and to an embedding ``f = W_e h`` (``embed_dim``); a class
embedding ``v_y`` (the proxy) is looked up for each label. Its loss adds ``cond_lambda`` times the
2C loss of ``(f, v_y)`` on real images; the generator adds it on its images and sampled labels
(:func:`~torch_gan_zoo.losses.conditional_contrastive_loss`).

Architecture, loss weights and preset are StudioGAN's CIFAR-10 ContraGAN (configs/CIFAR10/ContraGAN.yaml
on top of src/config.py): BigGAN backbone with attention, ``embed_dim`` 512, temperature 1.0,
``cond_lambda`` 1.0, no orthogonal regularisation.
"""
from __future__ import annotations

import torch

from torch_gan_zoo.losses.contrastive import conditional_contrastive_loss
from torch_gan_zoo.modules import SNEmbedding, SNLinear
from torch_gan_zoo.modules.weight_init import orthogonal_init_
from torch_gan_zoo.nets.auxiliary import AuxiliaryDiscriminator
from torch_gan_zoo.nets.biggan import BIGGAN_DISCRIMINATOR_DEFAULTS, BigGANGenerator, biggan_discriminator_trunk
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.table import FROM_TABLE, derived_class, table_defaults

PAPER = "Kang & Park, ContraGAN: Contrastive Learning for Conditional Image Generation, NeurIPS 2020"

__all__ = ["ContraGANGenerator", "ContraGANDiscriminator", "ContraGANBaseDiscriminator", "PAPER"]


ContraGANGenerator = derived_class(BigGANGenerator, "ContraGANGenerator", {"ortho_reg_weight": 0.0}, module=__name__,
                                   doc="""BigGAN's generator (:class:`~torch_gan_zoo.nets.biggan.BigGANGenerator`, same
    arguments) without orthogonal regularisation by default, as StudioGAN trains ContraGAN.""")


class ContraGANDiscriminator(AuxiliaryDiscriminator):
    """BigGAN discriminator trunk with an adversarial head and a contrastive embedding head.

    Args:
        ndf (int): Width of the last block. num_classes (int): Number of classes. nc (int): Image channels.
        attention_resolution (int or None): Self-attention after the block with this output size.
        embed_dim (int): Size of the embeddings ``f`` and proxies ``v``.
        temperature (float): Temperature of the contrastive loss (> 0).
        cond_lambda (float): Weight of the contrastive loss.
        loss_type (str): Adversarial loss (default ``'hinge'``).
        resolution (int): 32, 48, 64 or 128 (BigGAN's sizes).

    ``forward(x, y, return_aux=False)``: images (N, nc, resolution, resolution), y (N,) long -> logits
    (N, 1), or ``(logits, (f (N, embed_dim), v_y (N, embed_dim)))`` (not normalised; the losses do it).
    """

    resolution_defaults = BIGGAN_DISCRIMINATOR_DEFAULTS

    def __init__(self, ndf: int = FROM_TABLE, num_classes: int = FROM_TABLE, nc: int = 3,
                 attention_resolution: int | None = FROM_TABLE, embed_dim: int = 512, temperature: float = 1.0,
                 cond_lambda: float = 1.0, loss_type: str = "hinge", *, resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, ndf=ndf, num_classes=num_classes,
                                           attention_resolution=attention_resolution)
        super().__init__(ndf=sizes["ndf"], num_classes=sizes["num_classes"], loss_type=loss_type,
                         cond_lambda=cond_lambda)
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        self.nc, self.resolution = nc, resolution
        self.temperature = float(temperature)
        self.backbone = biggan_discriminator_trunk(resolution, nc, self.ndf, sizes["attention_resolution"])
        features = self.backbone.out_channels
        self.l_out = SNLinear(features, 1)
        self.l_embed = SNLinear(features, embed_dim)
        self.proxy = SNEmbedding(self.num_classes, embed_dim)
        orthogonal_init_(self)

    def forward(self, x: torch.Tensor, y: torch.Tensor, return_aux: bool = False):
        """Logits (N, 1) of images ``x`` (N, nc, H, W); with ``return_aux``, also (embeddings, proxies of ``y``)."""
        h = self.backbone(x)
        logits = self.l_out(h)
        return (logits, (self.l_embed(h), self.proxy(y))) if return_aux else logits

    def compute_aux_loss(self, aux: tuple[torch.Tensor, torch.Tensor], labels: torch.Tensor) -> torch.Tensor:
        """ContraGAN's 2C loss (float32 scalar) of ``aux = (embeddings, proxies)`` for ``labels`` (N,)."""
        embed, proxy = aux
        return conditional_contrastive_loss(embed, proxy, labels, self.temperature)


ContraGANBaseDiscriminator = ContraGANDiscriminator  # earlier names

__all__.extend(register_builtin_variant(__name__, "contragan", ContraGANGenerator, ContraGANDiscriminator, PAPER))
