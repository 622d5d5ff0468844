"""``torch_mimicry.nets.infomax_gan.infomax_gan_base``: InfoMax-GAN bases.

The InfoNCE loss is this library's :func:`torch_gan_zoo.losses.infomax.infonce_loss` (the image's
own other positions are excluded from the negatives; Mimicry gives them the logit -10 instead).
Logged as ``errD_IM`` and ``errG_IM``.
"""
import torch

from torch_gan_zoo.losses.infomax import infonce_loss as _infonce_loss
from torch_gan_zoo.mimicry.nets.gan import gan
from torch_gan_zoo.nets.gan import LossTerm

__all__ = ["InfoMaxGANBaseGenerator", "BaseDiscriminator"]


class InfoMaxGANBaseGenerator(gan.BaseGenerator):
    """Generator base: hinge loss plus ``infomax_loss_scale`` times the InfoNCE loss on its images."""

    def __init__(self, nz, ngf, bottom_width, loss_type="hinge", infomax_loss_scale=0.2, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type, **kwargs)
        self.infomax_loss_scale = infomax_loss_scale

    def compute_generator_losses(self, fake_images, fake_labels, netD, amp_dtype=None):
        """``errG`` and ``errG_IM`` from one forward pass of ``netD`` on the generated images."""
        with self.autocast(fake_images.device, amp_dtype):
            output_fake, local_feat, global_feat = netD(fake_images)
            local_feat, global_feat = netD.project_features(local_feat=local_feat, global_feat=global_feat)
        errG = self.compute_gan_loss(output_fake.float())
        errG_IM = netD.compute_infomax_loss(local_feat=local_feat, global_feat=global_feat,
                                            scale=self.infomax_loss_scale)
        return {"errG": LossTerm(errG), "errG_IM": LossTerm(errG_IM)}

    def train_step(self, real_batch, netD, optG, log_data, device=None, global_step=None, **kwargs):
        """One generator update on ``errG + errG_IM``."""
        return super().train_step(real_batch, netD, optG, log_data, device=device, global_step=global_step, **kwargs)


class BaseDiscriminator(gan.BaseDiscriminator):
    """Discriminator base: ``forward(x)`` returns ``(logits (N, 1), local features, global features)``.

    Args:
        nrkhs (int): Dimension of the projected features. ndf (int): Width.
        loss_type (str): Adversarial loss. infomax_loss_scale (float): Weight of the InfoNCE loss.
    """

    def __init__(self, nrkhs, ndf, loss_type="hinge", infomax_loss_scale=0.2, **kwargs):
        super().__init__(ndf=ndf, loss_type=loss_type, **kwargs)
        self.nrkhs = nrkhs
        self.infomax_loss_scale = infomax_loss_scale

    def discriminate(self, images, labels=None):
        """The adversarial logits (N, 1) alone."""
        return super().discriminate(images, labels)[0]

    def _project_local(self, local_feat):
        h = self.local_nrkhs_b(self.activation(self.local_nrkhs_a(local_feat)))
        return h + self.local_nrkhs_sc(local_feat)

    def _project_global(self, global_feat):
        h = self.global_nrkhs_b(self.activation(self.global_nrkhs_a(global_feat)))
        return h + self.global_nrkhs_sc(global_feat)

    def project_features(self, local_feat, global_feat):
        """Project local (N, C_l, h, w) and global (N, C_g) features to ``nrkhs`` dimensions."""
        return self._project_local(local_feat), self._project_global(global_feat)

    def infonce_loss(self, l, m):  # noqa: E741 (Mimicry's argument names)
        """InfoNCE of local features ``l`` (N, R, P) against global features ``m`` (N, R, 1)."""
        if m.dim() != 3 or m.shape[2] != 1:
            raise ValueError(f"m must be global features (N, R, 1), got {tuple(m.shape)}")
        return _infonce_loss(l, m[:, :, 0])

    def compute_infomax_loss(self, local_feat, global_feat, scale):
        """``scale`` times the InfoNCE loss of projected local (N, nrkhs, h, w) and global (N, nrkhs)
        features."""
        if local_feat.shape[1] != self.nrkhs:
            raise ValueError(f"Features have not been projected. Expected {self.nrkhs} dim but got "
                             f"{local_feat.shape[1]} instead")
        return scale * self.infonce_loss(l=torch.flatten(local_feat, 2), m=global_feat.unsqueeze(2))

    def compute_discriminator_losses(self, real_images, real_labels, fake_images, fake_labels, amp_dtype=None):
        """``errD`` and ``errD_IM`` (InfoNCE on the real images' features), from one forward pass each."""
        with self.autocast(real_images.device, amp_dtype):
            output_real, local_feat, global_feat = self(real_images)
            output_fake = self.discriminate(fake_images)
            local_feat, global_feat = self.project_features(local_feat=local_feat, global_feat=global_feat)
        errD = self.compute_gan_loss(output_real.float(), output_fake.float())
        errD_IM = self.compute_infomax_loss(local_feat=local_feat, global_feat=global_feat,
                                            scale=self.infomax_loss_scale)
        return output_real, output_fake, {"errD": LossTerm(errD), "errD_IM": LossTerm(errD_IM)}

    def train_step(self, real_batch, netG, optD, log_data, device=None, global_step=None, **kwargs):
        """One discriminator update on ``errD + errD_IM``."""
        return super().train_step(real_batch, netG, optD, log_data, device=device, global_step=global_step, **kwargs)
