"""``torch_mimicry.nets.gan.gan``: :class:`BaseGenerator` and :class:`BaseDiscriminator`.

They are this library's bases (:mod:`torch_gan_zoo.nets.gan`: the one train-step skeleton, with
mixed precision and DDP support) with Mimicry's constructor arguments and loss names:
``loss_type`` is one of ``'gan'``, ``'ns'``, ``'hinge'``, ``'wasserstein'``, computed by
:mod:`torch_gan_zoo.mimicry.modules.losses` exactly as Mimicry maps them (its ``'gan'`` generator
loss is the non-saturating one). Every variant's extra terms come through the skeleton's loss hooks.
"""
from torch_gan_zoo.mimicry.modules import losses
from torch_gan_zoo.mimicry.nets.basemodel import basemodel
from torch_gan_zoo.nets import gan as _gan

__all__ = ["BaseGenerator", "BaseDiscriminator"]

_LOSS_TYPES = ("gan", "ns", "hinge", "wasserstein")


def _check_loss_type(loss_type):
    if loss_type not in _LOSS_TYPES:
        raise ValueError(f"Invalid loss_type {loss_type!r} selected; Mimicry's are {_LOSS_TYPES}")
    return loss_type


class BaseGenerator(basemodel.BaseModel, _gan.BaseGenerator):
    """Unconditional generator: ``forward(z)`` maps noise (N, nz) to images (N, 3, H, W) in [-1, 1].

    Args:
        nz (int): Noise dimension. ngf (int): Width. bottom_width (int): Size of the first feature map.
        loss_type (str): ``'gan'``, ``'ns'``, ``'hinge'`` or ``'wasserstein'``.
        **kwargs: ``scaler`` (kept, as in Mimicry); others are ignored, as Mimicry's bases pass them on.
    """

    def __init__(self, nz, ngf, bottom_width, loss_type, **kwargs):
        _gan.BaseGenerator.__init__(self, nz=nz, ngf=ngf, bottom_width=bottom_width,
                                    loss_type="ns" if loss_type == "gan" else _check_loss_type(loss_type))
        self.loss_type = loss_type
        self.scaler = kwargs.get("scaler")

    def generate_images(self, num_images, device=None):
        """``num_images`` images (float (N, 3, H, W) in [-1, 1]) from fresh noise, in the current mode."""
        return super().generate_images(num_images, device=device)

    def compute_gan_loss(self, output):
        """Generator loss (scalar) from D's logits (N, 1) on generated images."""
        if self.loss_type in ("gan", "ns"):
            return losses.ns_loss_gen(output)
        if self.loss_type == "hinge":
            return losses.hinge_loss_gen(output)
        if self.loss_type == "wasserstein":
            return losses.wasserstein_loss_gen(output)
        raise ValueError(f"Invalid loss_type {self.loss_type} selected.")

    def train_step(self, real_batch, netD, optG, log_data, device=None, global_step=None, scaler=None, **kwargs):
        """One generator update against ``netD`` (see :meth:`torch_gan_zoo.nets.BaseGenerator.train_step`);
        logs ``errG`` and the variant's terms into ``log_data`` and returns it."""
        return _gan.BaseGenerator.train_step(self, real_batch, netD, optG, log_data, device=device,
                                             global_step=global_step, scaler=scaler, **kwargs)


class BaseDiscriminator(basemodel.BaseModel, _gan.BaseDiscriminator):
    """Unconditional discriminator: ``forward(x)`` maps images (N, 3, H, W) to logits (N, 1).

    Args:
        ndf (int): Width. loss_type (str): As in :class:`BaseGenerator`.
        **kwargs: ``scaler`` (kept); others are ignored.
    """

    def __init__(self, ndf, loss_type, **kwargs):
        _gan.BaseDiscriminator.__init__(self, ndf=ndf,
                                        loss_type="ns" if loss_type == "gan" else _check_loss_type(loss_type))
        self.loss_type = loss_type
        self.scaler = kwargs.get("scaler")

    def compute_gan_loss(self, output_real, output_fake):
        """Discriminator loss (scalar) from its logits (N, 1) on real and generated images."""
        if self.loss_type in ("gan", "ns"):
            return losses.minimax_loss_dis(output_fake=output_fake, output_real=output_real)
        if self.loss_type == "hinge":
            return losses.hinge_loss_dis(output_fake=output_fake, output_real=output_real)
        if self.loss_type == "wasserstein":
            return losses.wasserstein_loss_dis(output_fake=output_fake, output_real=output_real)
        raise ValueError("Invalid loss_type selected.")

    def compute_probs(self, output_real, output_fake):
        """``(D(x), D(G(z)))``: mean sigmoid of the logits on real and on generated images."""
        return super().compute_probs(output_real, output_fake)

    def train_step(self, real_batch, netG, optD, log_data, device=None, global_step=None, scaler=None, **kwargs):
        """One discriminator update (see :meth:`torch_gan_zoo.nets.BaseDiscriminator.train_step`); logs
        ``errD``, the variant's terms, ``D(x)`` and ``D(G(z))`` into ``log_data`` and returns it."""
        return _gan.BaseDiscriminator.train_step(self, real_batch, netG, optD, log_data, device=device,
                                                 global_step=global_step, scaler=scaler, **kwargs)
