"""Class-conditional GANs whose losses have terms besides the adversarial one.

* :class:`AuxiliaryDiscriminator`: a discriminator with an auxiliary conditioning head (ACGAN's
  classifier, ContraGAN's and ReACGAN's embeddings). Its loss is the adversarial loss plus
  ``cond_lambda`` times its auxiliary loss on real images (and on generated ones where the variant
  says so), and it defines the auxiliary loss its generator minimises on generated images.
* :class:`AuxiliaryLossGenerator`: a class-conditional generator whose loss is the adversarial loss,
  plus ``cond_lambda`` times the discriminator's auxiliary loss on its images when the discriminator
  is an :class:`AuxiliaryDiscriminator`, plus its own weight regularisers
  (:meth:`~torch_gan_zoo.nets.BaseGenerator.compute_weight_regularizers`, e.g. BigGAN's orthogonal
  regularisation). Every generator of this library's conditional variants is one, so any of them can
  be paired with any conditional discriminator.

Both only override the loss hooks of the base classes' train steps
(:meth:`~torch_gan_zoo.nets.BaseDiscriminator.compute_discriminator_losses`,
:meth:`~torch_gan_zoo.nets.BaseGenerator.compute_generator_losses`): the auxiliary outputs come from
the same forward pass as the adversarial logits, and the auxiliary losses are computed in float32
outside autocast (which applies to the forward passes only). ``errD_cond`` and ``errG_cond`` are loss terms
(:class:`~torch_gan_zoo.nets.gan.LossTerm`) of weight ``cond_lambda``, so they are logged unweighted.
"""
from __future__ import annotations

from typing import Any

import torch

from torch_gan_zoo.nets.cgan import BaseConditionalDiscriminator, BaseConditionalGenerator
from torch_gan_zoo.nets.gan import LossTerm, StepLosses

__all__ = ["AuxiliaryDiscriminator", "AuxiliaryLossGenerator"]


class AuxiliaryDiscriminator(BaseConditionalDiscriminator):
    """A class-conditional discriminator with an auxiliary conditioning head.

    Subclasses write ``forward(x, y, return_aux=False)``, returning logits (N, 1), or
    ``(logits, aux)`` when ``return_aux`` is true, and :meth:`compute_aux_loss` ``(aux, labels)``.

    Args:
        ndf, num_classes, loss_type: As in :class:`~torch_gan_zoo.nets.BaseConditionalDiscriminator`.
        cond_lambda (float): Weight (>= 0) of the auxiliary loss, for this network and its generator.
        aux_loss_on_fakes (bool): Also train the auxiliary head on generated images with their
            sampled labels (the original ACGAN); otherwise only on real images (StudioGAN's
            classifier-based GANs, ContraGAN, ReACGAN).
    """

    def __init__(self, ndf: int | None = None, num_classes: int | None = None, loss_type: str = "ns",
                 cond_lambda: float = 1.0, aux_loss_on_fakes: bool = False):
        super().__init__(ndf=ndf, num_classes=num_classes, loss_type=loss_type)
        if not cond_lambda >= 0:
            raise ValueError(f"cond_lambda must be >= 0, got {cond_lambda}")
        self.cond_lambda = float(cond_lambda)
        self.aux_loss_on_fakes = bool(aux_loss_on_fakes)

    def compute_aux_loss(self, aux: Any, labels: torch.Tensor) -> torch.Tensor:
        """The auxiliary conditioning loss (float32 scalar) of outputs ``aux`` for classes ``labels`` (N,)."""
        raise NotImplementedError(f"{type(self).__name__} must define compute_aux_loss(aux, labels)")

    def discriminate_with_aux(self, images: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, Any]:
        """``(logits (N, 1), aux)`` for ``images`` (N, C, H, W) of classes ``labels`` (N,) long:
        :meth:`discriminate` with ``return_aux=True``."""
        return self.discriminate(images, labels, return_aux=True)

    def compute_discriminator_losses(self, real_images: torch.Tensor, real_labels: torch.Tensor,
                                     fake_images: torch.Tensor, fake_labels: torch.Tensor,
                                     amp_dtype: torch.dtype | None = None) -> StepLosses:
        """``errD`` and ``errD_cond``: the auxiliary loss on the real images (plus on the generated ones
        with their sampled labels if :attr:`aux_loss_on_fakes`), weighted by ``cond_lambda`` in the loss
        and logged unweighted. Arguments and return as in
        :meth:`torch_gan_zoo.nets.BaseDiscriminator.compute_discriminator_losses`."""
        output_real, aux_real = self.discriminate_with_aux(real_images, real_labels)
        errD_cond = self.compute_aux_loss(aux_real, real_labels)
        if self.aux_loss_on_fakes:
            output_fake, aux_fake = self.discriminate_with_aux(fake_images, fake_labels)
            errD_cond = errD_cond + self.compute_aux_loss(aux_fake, fake_labels)
        else:
            output_fake = self.discriminate(fake_images, fake_labels)
        errD = self.compute_gan_loss(output_real, output_fake)
        terms = {"errD": LossTerm(errD), "errD_cond": LossTerm(errD_cond, self.cond_lambda)}
        return StepLosses(terms, output_real=output_real, output_fake=output_fake)


class AuxiliaryLossGenerator(BaseConditionalGenerator):
    """A class-conditional generator trained on the adversarial loss plus auxiliary terms; its weight
    regularisers (:meth:`~torch_gan_zoo.nets.BaseGenerator.compute_weight_regularizers`) are added by
    the base train step.

    Args: as :class:`~torch_gan_zoo.nets.BaseConditionalGenerator`.
    """

    def compute_generator_losses(self, fake_images: torch.Tensor, fake_labels: torch.Tensor, netD: Any,
                                 amp_dtype: torch.dtype | None = None) -> StepLosses:
        """``errG``, plus ``errG_cond`` when ``netD`` is an :class:`AuxiliaryDiscriminator`: its auxiliary
        loss on the generated images and their sampled labels, weighted by ``netD.cond_lambda`` in the
        loss and logged unweighted. Arguments and return as in
        :meth:`torch_gan_zoo.nets.BaseGenerator.compute_generator_losses`."""
        if not isinstance(netD, AuxiliaryDiscriminator):
            return super().compute_generator_losses(fake_images, fake_labels, netD, amp_dtype=amp_dtype)
        output, aux = netD.discriminate_with_aux(fake_images, fake_labels)
        terms = {"errG": LossTerm(self.compute_gan_loss(output)),
                 "errG_cond": LossTerm(netD.compute_aux_loss(aux, fake_labels), netD.cond_lambda)}
        return StepLosses(terms, output_fake=output)
