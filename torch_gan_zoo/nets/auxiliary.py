"""Class-conditional GANs whose losses have terms besides the adversarial one.

* :class:`AuxiliaryDiscriminator`: a discriminator with an auxiliary conditioning head (ACGAN's
  classifier, ContraGAN's and ReACGAN's embeddings). Its loss is the adversarial loss plus
  ``cond_lambda`` times its auxiliary loss on real images (and on generated ones where the variant
  says so), and it defines the auxiliary loss its generator minimises on generated images.
* :class:`AuxiliaryLossGenerator`: a class-conditional generator whose loss is the adversarial loss,
  plus ``cond_lambda`` times the discriminator's auxiliary loss on its images when the discriminator
  is an :class:`AuxiliaryDiscriminator`, plus its own weight regularisers
  (:meth:`~AuxiliaryLossGenerator.compute_weight_regularizers`, e.g. BigGAN's orthogonal
  regularisation). Every generator of this library's conditional variants is one, so any of them can
  be paired with any conditional discriminator.

Both train steps keep the contract of the base classes: one optimiser step on the summed loss,
``scaler``/``amp_dtype`` support (auxiliary losses and weight regularisers are computed in float32),
networks called through ``self(...)``/``discriminate`` so DDP and ``torch.compile`` wrappers see them.
"""
import torch

from torch_gan_zoo.nets.cgan import BaseConditionalDiscriminator, BaseConditionalGenerator
from torch_gan_zoo.nets.gan import split_batch

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

    def __init__(self, ndf, num_classes, loss_type, cond_lambda=1.0, aux_loss_on_fakes=False):
        super().__init__(ndf=ndf, num_classes=num_classes, loss_type=loss_type)
        if not cond_lambda >= 0:
            raise ValueError(f"cond_lambda must be >= 0, got {cond_lambda}")
        self.cond_lambda = float(cond_lambda)
        self.aux_loss_on_fakes = bool(aux_loss_on_fakes)

    def compute_aux_loss(self, aux, labels):
        """The auxiliary conditioning loss (float32 scalar) of outputs ``aux`` for classes ``labels`` (N,)."""
        raise NotImplementedError(f"{type(self).__name__} must define compute_aux_loss(aux, labels)")

    def discriminate_with_aux(self, images, labels):
        """``(logits (N, 1), aux)`` for ``images`` (N, C, H, W) of classes ``labels`` (N,) long, after
        :attr:`augment` (as :meth:`discriminate`)."""
        if labels is None:
            raise ValueError(f"{type(self).__name__} is class-conditional: its data batches must be (images, labels)")
        self.check_images(images)
        return self(self.augment(images) if self.augment is not None else images, labels, return_aux=True)

    def train_step(self, real_batch, netG, optD, log_data, device=None, global_step=None, scaler=None,
                   amp_dtype=None, **kwargs):
        """One discriminator update: adversarial loss + ``cond_lambda`` * auxiliary loss + regularisers.

        Logs ``errD`` and ``errD_cond`` (the unweighted auxiliary loss; group ``loss``), regulariser
        values (group ``regularizer``), ``D(x)`` and ``D(G(z))`` (group ``prob``). Arguments as in
        :meth:`torch_gan_zoo.nets.BaseDiscriminator.train_step`.
        """
        device = device or self.device
        real_images, real_labels = split_batch(real_batch, device)
        optD.zero_grad(set_to_none=True)
        with torch.no_grad(), self.autocast(device, amp_dtype):
            fake_images, fake_labels = netG.generate_batch(real_images.shape[0], device=device)
        with self.autocast(device, amp_dtype):
            output_real, aux_real = self.discriminate_with_aux(real_images, real_labels)
            if self.aux_loss_on_fakes:
                output_fake, aux_fake = self.discriminate_with_aux(fake_images, fake_labels)
            else:
                output_fake = self.discriminate(fake_images, fake_labels)
            errD = self.compute_gan_loss(output_real, output_fake)
        errD_cond = self.compute_aux_loss(aux_real, real_labels)
        if self.aux_loss_on_fakes:
            errD_cond = errD_cond + self.compute_aux_loss(aux_fake, fake_labels)
        reg_terms = self.compute_regularizers(
            real_images=real_images, real_labels=real_labels, fake_images=fake_images, fake_labels=fake_labels,
            output_real=output_real, output_fake=output_fake, global_step=global_step, scaler=scaler,
            amp_dtype=amp_dtype,
        )
        loss = errD + self.cond_lambda * errD_cond + sum(reg_terms.values())
        self.optimize(loss, optD, scaler)
        D_x, D_Gz = self.compute_probs(output_real, output_fake)
        log_data.add_metric("errD", errD.detach(), group="loss")
        log_data.add_metric("errD_cond", errD_cond.detach(), group="loss")
        for name, value in reg_terms.items():
            log_data.add_metric(name, value.detach(), group="regularizer")
        log_data.add_metric("D(x)", D_x, group="prob")
        log_data.add_metric("D(G(z))", D_Gz, group="prob")
        return log_data


class AuxiliaryLossGenerator(BaseConditionalGenerator):
    """A class-conditional generator trained on the adversarial loss plus auxiliary terms.

    Args: as :class:`~torch_gan_zoo.nets.BaseConditionalGenerator`.
    """

    def compute_weight_regularizers(self):
        """Penalties on this generator's weights, ``{name: weighted float32 scalar}`` (none here)."""
        return {}

    def train_step(self, real_batch, netD, optG, log_data, device=None, global_step=None, scaler=None,
                   amp_dtype=None, **kwargs):
        """One generator update on as many generated images as ``real_batch`` holds.

        Loss: the adversarial loss (``errG``), plus ``netD.cond_lambda`` times ``netD``'s auxiliary loss
        on the generated images and their sampled labels (``errG_cond``, logged unweighted) when
        ``netD`` is an :class:`AuxiliaryDiscriminator`, plus :meth:`compute_weight_regularizers`
        (logged by name, group ``regularizer``). ``netD`` is frozen meanwhile. Arguments as in
        :meth:`torch_gan_zoo.nets.BaseGenerator.train_step`.
        """
        images, _ = split_batch(real_batch)
        optG.zero_grad(set_to_none=True)
        with netD.frozen():
            with self.autocast(device or self.device, amp_dtype):
                fake_images, fake_labels = self.generate_batch(images.shape[0], device=device)
                if isinstance(netD, AuxiliaryDiscriminator):
                    output, aux = netD.discriminate_with_aux(fake_images, fake_labels)
                else:
                    output, aux = netD.discriminate(fake_images, fake_labels), None
                errG = self.compute_gan_loss(output)
            loss = errG
            if aux is not None:
                errG_cond = netD.compute_aux_loss(aux, fake_labels)
                loss = loss + netD.cond_lambda * errG_cond
            reg_terms = self.compute_weight_regularizers()
            loss = loss + sum(reg_terms.values())
            self.optimize(loss, optG, scaler)
        log_data.add_metric("errG", errG.detach(), group="loss")
        if aux is not None:
            log_data.add_metric("errG_cond", errG_cond.detach(), group="loss")
        for name, value in reg_terms.items():
            log_data.add_metric(name, value.detach(), group="regularizer")
        return log_data
