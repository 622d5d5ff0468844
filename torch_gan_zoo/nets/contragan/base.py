"""What ContraGAN's resolutions share (Kang & Park, 2020): BigGAN's networks, with the projection
head of the discriminator replaced by a conditional contrastive one. The discriminator maps pooled
features ``h`` to an adversarial logit and to an embedding ``f = W_e h`` (``embed_dim``); a class
embedding ``v_y`` (the proxy) is looked up for each label. Its loss adds ``cond_lambda`` times the
2C loss of ``(f, v_y)`` on real images; the generator adds it on its images and sampled labels
(:func:`~torch_gan_zoo.losses.conditional_contrastive_loss`).

Architecture, loss weights and preset are StudioGAN's CIFAR-10 ContraGAN (configs/CIFAR10/ContraGAN.yaml
on top of src/config.py): BigGAN backbone with attention, ``embed_dim`` 512, temperature 1.0,
``cond_lambda`` 1.0, no orthogonal regularisation.
"""
from torch_gan_zoo.losses.contrastive import conditional_contrastive_loss
from torch_gan_zoo.modules import SNEmbedding, SNLinear
from torch_gan_zoo.modules.weight_init import orthogonal_init_
from torch_gan_zoo.nets.auxiliary import AuxiliaryDiscriminator
from torch_gan_zoo.nets.biggan.base import biggan_discriminator_trunk

PAPER = "Kang & Park, ContraGAN: Contrastive Learning for Conditional Image Generation, NeurIPS 2020"

__all__ = ["ContraGANBaseDiscriminator", "PAPER"]


class ContraGANBaseDiscriminator(AuxiliaryDiscriminator):
    """BigGAN discriminator trunk with an adversarial head and a contrastive embedding head.

    Args:
        ndf (int): Width of the last block. num_classes (int): Number of classes. nc (int): Image channels.
        attention_resolution (int or None): Self-attention after the block with this output size.
        embed_dim (int): Size of the embeddings ``f`` and proxies ``v``.
        temperature (float): Temperature of the contrastive loss (> 0).
        cond_lambda (float): Weight of the contrastive loss.
        loss_type (str): Adversarial loss (default ``'hinge'``).

    ``forward(x, y, return_aux=False)``: images (N, nc, resolution, resolution), y (N,) long -> logits
    (N, 1), or ``(logits, (f (N, embed_dim), v_y (N, embed_dim)))`` (not normalised; the losses do it).
    """

    def __init__(self, ndf, num_classes, nc=3, attention_resolution=None, embed_dim=512, temperature=1.0,
                 cond_lambda=1.0, loss_type="hinge"):
        super().__init__(ndf=ndf, num_classes=num_classes, loss_type=loss_type, cond_lambda=cond_lambda)
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        self.nc = nc
        self.temperature = float(temperature)
        self.backbone = biggan_discriminator_trunk(self.resolution, nc, ndf, attention_resolution)
        features = self.backbone.out_channels
        self.l_out = SNLinear(features, 1)
        self.l_embed = SNLinear(features, embed_dim)
        self.proxy = SNEmbedding(num_classes, embed_dim)
        orthogonal_init_(self)

    def forward(self, x, y, return_aux=False):
        """Logits (N, 1) of images ``x`` (N, nc, H, W); with ``return_aux``, also (embeddings, proxies of ``y``)."""
        h = self.backbone(x)
        logits = self.l_out(h)
        return (logits, (self.l_embed(h), self.proxy(y))) if return_aux else logits

    def compute_aux_loss(self, aux, labels):
        """ContraGAN's 2C loss (float32 scalar) of ``aux = (embeddings, proxies)`` for ``labels`` (N,)."""
        embed, proxy = aux
        return conditional_contrastive_loss(embed, proxy, labels, self.temperature)
