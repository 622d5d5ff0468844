"""``torch_mimicry.nets.gan.cgan``: class-conditional bases on this library's
:mod:`torch_gan_zoo.nets.cgan`."""
from torch_gan_zoo.mimicry.nets.gan import gan
from torch_gan_zoo.nets import cgan as _cgan

__all__ = ["BaseConditionalGenerator", "BaseConditionalDiscriminator"]


def _check_class(c, num_classes):
    if c is not None and c >= num_classes:
        raise ValueError(f"Input class to generate must be in the range [0, {num_classes})")


class BaseConditionalGenerator(gan.BaseGenerator, _cgan.BaseConditionalGenerator):
    """Conditional generator: ``forward(z, y)`` maps noise (N, nz) and labels (N,) to images in [-1, 1].

    Args:
        num_classes (int): Number of classes. nz, ngf, bottom_width, loss_type: as :class:`gan.BaseGenerator`.
    """

    def __init__(self, num_classes, nz, ngf, bottom_width, loss_type, **kwargs):
        gan.BaseGenerator.__init__(self, nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type, **kwargs)
        if num_classes < 1:
            raise ValueError(f"num_classes must be >= 1, got {num_classes}")
        self.num_classes = num_classes

    def generate_images(self, num_images, c=None, device=None):
        """Images (N, 3, H, W) in [-1, 1] of class ``c`` (random classes if ``None``)."""
        _check_class(c, self.num_classes)
        return _cgan.BaseConditionalGenerator.generate_images(self, num_images, c=c, device=device)

    def generate_images_with_labels(self, num_images, c=None, device=None):
        """``(images (N, 3, H, W) in [-1, 1], labels (N,) long)`` of class ``c`` (random if ``None``)."""
        _check_class(c, self.num_classes)
        return _cgan.BaseConditionalGenerator.generate_images_with_labels(self, num_images, c=c, device=device)

    def train_step(self, real_batch, netD, optG, log_data, device=None, global_step=None, **kwargs):
        """One generator update on generated images of random classes; logs ``errG``."""
        return gan.BaseGenerator.train_step(self, real_batch, netD, optG, log_data, device=device,
                                            global_step=global_step, **kwargs)


class BaseConditionalDiscriminator(gan.BaseDiscriminator, _cgan.BaseConditionalDiscriminator):
    """Conditional discriminator: ``forward(x, y)`` maps images and labels (N,) to logits (N, 1).

    Args:
        num_classes (int): Number of classes. ndf, loss_type: as :class:`gan.BaseDiscriminator`.
    """

    def __init__(self, num_classes, ndf, loss_type, **kwargs):
        gan.BaseDiscriminator.__init__(self, ndf=ndf, loss_type=loss_type, **kwargs)
        if num_classes < 1:
            raise ValueError(f"num_classes must be >= 1, got {num_classes}")
        self.num_classes = num_classes

    def train_step(self, real_batch, netG, optD, log_data, device=None, global_step=None, **kwargs):
        """One discriminator update on a labelled real batch; logs ``errD``, ``D(x)``, ``D(G(z))``."""
        return gan.BaseDiscriminator.train_step(self, real_batch, netG, optD, log_data, device=device,
                                                global_step=global_step, **kwargs)
