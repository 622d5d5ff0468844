"""``torch_mimicry.nets.wgan_gp.wgan_gp_base``: WGAN-GP bases (Wasserstein loss + gradient penalty).

The penalty is this library's :class:`torch_gan_zoo.losses.regularizers.GradientPenalty` (one
interpolation factor and one gradient norm per sample), added to the discriminator's loss and
logged as ``errD_GP`` (group ``regularizer``)."""
from torch_gan_zoo.losses.regularizers import GradientPenalty
from torch_gan_zoo.mimicry.nets.gan import gan

__all__ = ["WGANGPBaseGenerator", "WGANGPBaseDiscriminator"]


class WGANGPBaseGenerator(gan.BaseGenerator):
    """Generator base with ``loss_type='wasserstein'``."""

    def __init__(self, nz, ngf, bottom_width, loss_type="wasserstein", **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type, **kwargs)

    def train_step(self, real_batch, netD, optG, log_data, device=None, global_step=None, **kwargs):
        """One generator update; logs ``errG``."""
        return super().train_step(real_batch, netD, optG, log_data, device=device, global_step=global_step, **kwargs)


class WGANGPBaseDiscriminator(gan.BaseDiscriminator):
    """Critic base with ``loss_type='wasserstein'`` and gradient penalty weight ``gp_scale``."""

    def __init__(self, ndf, loss_type="wasserstein", gp_scale=10.0, **kwargs):
        super().__init__(ndf=ndf, loss_type=loss_type, **kwargs)
        self.gp_scale = gp_scale

    def compute_regularizers(self, **context):
        """The attached regularisers plus ``errD_GP``: the gradient penalty on the step's batches."""
        terms = super().compute_regularizers(**context)
        terms["errD_GP"] = self.compute_gradient_penalty_loss(context["real_images"], context["fake_images"],
                                                              gp_scale=self.gp_scale)
        return terms

    def train_step(self, real_batch, netG, optD, log_data, device=None, global_step=None, **kwargs):
        """One critic update on ``errD + errD_GP``."""
        return super().train_step(real_batch, netG, optD, log_data, device=device, global_step=global_step, **kwargs)

    def compute_gradient_penalty_loss(self, real_images, fake_images, gp_scale=10.0):
        """``gp_scale * mean_i (||grad D(x_hat_i)||_2 - 1)^2`` on per-sample interpolates of
        ``real_images`` and ``fake_images`` (float (N, 3, H, W)); a scalar tensor."""
        return GradientPenalty(weight=gp_scale)(self, real_images=real_images, fake_images=fake_images)
