"""``torch_mimicry.nets.ssgan.ssgan_base``: SSGAN bases (rotation self-supervision).

The rotation task is this library's (:func:`torch_gan_zoo.nets.ssgan.base.rotate_quarters`: the
k-th quarter of a batch rotated by k * 90 degrees). The discriminator's rotation loss on real
images is logged as ``errD_SS`` (group ``regularizer``), the generator's on its images as ``errG_SS``.
"""
import torch.nn.functional as F

from torch_gan_zoo.mimicry.nets.gan import gan
from torch_gan_zoo.nets.gan import LossTerm
from torch_gan_zoo.nets.ssgan.base import rotate_quarters

__all__ = ["SSGANBaseGenerator", "SSGANBaseDiscriminator"]


class SSGANBaseGenerator(gan.BaseGenerator):
    """Generator base: hinge loss plus ``ss_loss_scale`` (beta) times D's rotation loss on fakes."""

    def __init__(self, nz, ngf, bottom_width, loss_type="hinge", ss_loss_scale=0.2, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type, **kwargs)
        self.ss_loss_scale = ss_loss_scale

    def compute_generator_losses(self, fake_images, fake_labels, netD, amp_dtype=None):
        """``errG`` and ``errG_SS`` (see :meth:`torch_gan_zoo.nets.BaseGenerator.compute_generator_losses`)."""
        terms = super().compute_generator_losses(fake_images, fake_labels, netD, amp_dtype=amp_dtype)
        terms["errG_SS"] = LossTerm(netD.compute_ss_loss(images=fake_images, scale=self.ss_loss_scale)[0])
        return terms

    def train_step(self, real_batch, netD, optG, log_data, device=None, global_step=None, **kwargs):
        """One generator update on ``errG + errG_SS``."""
        return super().train_step(real_batch, netD, optG, log_data, device=device, global_step=global_step, **kwargs)


class SSGANBaseDiscriminator(gan.BaseDiscriminator):
    """Discriminator base: ``forward(x)`` returns ``(logits (N, 1), rotation logits (N, 4))``; its loss
    adds ``ss_loss_scale`` (alpha) times the rotation loss on real images."""

    def __init__(self, ndf, loss_type="hinge", ss_loss_scale=1.0, **kwargs):
        super().__init__(ndf=ndf, loss_type=loss_type, **kwargs)
        self.num_classes = 4
        self.ss_loss_scale = ss_loss_scale

    def discriminate(self, images, labels=None):
        """The adversarial logits (N, 1) alone."""
        return super().discriminate(images, labels)[0]

    def compute_ss_loss(self, images, scale):
        """``(scale * cross-entropy of the rotation head on rotated images, rotation labels (N,))``."""
        rotated, labels = rotate_quarters(images)
        _, output_classes = self(rotated)
        return scale * F.cross_entropy(output_classes.float(), labels), labels

    def compute_regularizers(self, **context):
        """The attached regularisers plus ``errD_SS`` on the step's real images."""
        terms = super().compute_regularizers(**context)
        terms["errD_SS"] = self.compute_ss_loss(images=context["real_images"], scale=self.ss_loss_scale)[0]
        return terms

    def train_step(self, real_batch, netG, optD, log_data, device=None, global_step=None, **kwargs):
        """One discriminator update on ``errD + errD_SS``."""
        return super().train_step(real_batch, netG, optD, log_data, device=device, global_step=global_step, **kwargs)
