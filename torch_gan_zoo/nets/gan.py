"""Unconditional GAN bases: :class:`BaseGenerator` and :class:`BaseDiscriminator`.

A variant subclasses these, builds its layers and writes ``forward``; it overrides
``compute_gan_loss`` or ``train_step`` only where its training differs.
"""
import torch

from torch_gan_zoo.losses import discriminator_loss, generator_loss, resolve_loss_type
from torch_gan_zoo.nets.basemodel import BaseModel

__all__ = ["BaseGenerator", "BaseDiscriminator", "split_batch"]


def split_batch(real_batch, device=None):
    """Split a data-loader batch into ``(images, labels)`` and move both to ``device``.

    Args:
        real_batch: ``(images, labels)``, ``[images, labels]``, or a bare image tensor.
            Images: float (N, C, H, W) in [-1, 1]; labels: (N,) long, or absent.
        device: Target device, or ``None`` to leave tensors where they are.

    Returns:
        tuple: ``(images, labels)``; ``labels`` is ``None`` when the batch has none.
    """
    if torch.is_tensor(real_batch):
        images, labels = real_batch, None
    elif isinstance(real_batch, (tuple, list)) and len(real_batch) >= 1 and torch.is_tensor(real_batch[0]):
        images = real_batch[0]
        labels = real_batch[1] if len(real_batch) > 1 and torch.is_tensor(real_batch[1]) else None
    else:
        raise TypeError(
            f"real_batch must be an image tensor or an (images, labels) pair, got {type(real_batch).__name__}"
        )
    if images.dim() != 4:
        raise ValueError(f"real images must have shape (N, C, H, W), got {tuple(images.shape)}")
    if not images.is_floating_point():
        raise ValueError(f"real images must be float in [-1, 1], got dtype {images.dtype}")
    if device is not None:
        images = images.to(device, non_blocking=True)
        if labels is not None:
            labels = labels.to(device, non_blocking=True)
    return images, labels


class BaseGenerator(BaseModel):
    """Base of unconditional generators: maps noise ``z ~ N(0, I)`` of shape (N, nz) to images.

    Args:
        nz (int): Dimension of the noise vector.
        ngf (int): Width of the generator (feature maps of its first block).
        bottom_width (int): Spatial size of the first feature map.
        loss_type (str): Adversarial loss, one of :data:`torch_gan_zoo.losses.LOSS_TYPES`.

    ``forward(z)`` returns float images (N, C, H, W) in [-1, 1].
    """

    def __init__(self, nz, ngf, bottom_width, loss_type):
        super().__init__()
        self.nz = nz
        self.ngf = ngf
        self.bottom_width = bottom_width
        self.loss_type = resolve_loss_type(loss_type)

    def sample_latent(self, num_images, device=None, generator=None, truncation=None):
        """Draw ``num_images`` noise vectors, float (num_images, nz), from N(0, I).

        Args:
            truncation (float, optional): The truncation trick (Brock et al., 2019): draw from the
                standard normal truncated to ``[-truncation, truncation]`` (each entry resampled
                until it falls inside), trading diversity for fidelity.
        """
        device = self.device if device is None else device
        z = torch.randn(num_images, self.nz, device=device, generator=generator)
        if truncation is not None:
            if not truncation > 0:
                raise ValueError(f"truncation must be > 0, got {truncation}")
            outside = z.abs() > truncation
            while bool(outside.any()):
                z = torch.where(outside, torch.randn(z.shape, device=device, generator=generator), z)
                outside = z.abs() > truncation
        return z

    def generate_images(self, num_images, device=None, truncation=None):
        """Generate ``num_images`` images, float (num_images, C, H, W) in [-1, 1].

        Runs in the model's current mode and with gradients if enabled: wrap it in
        ``torch.no_grad()`` (and call ``eval()``) for sampling. ``truncation``: see :meth:`sample_latent`.
        """
        return self(self.sample_latent(num_images, device, truncation=truncation))

    def generate_batch(self, num_images, device=None):
        """Generate a training batch: ``(images, labels)`` with ``labels=None`` for unconditional models."""
        return self.generate_images(num_images, device=device), None

    def compute_gan_loss(self, output):
        """The generator's adversarial loss (scalar) from the discriminator's logits (N,) or (N, 1)
        on generated images."""
        return generator_loss(self.loss_type, output)

    def train_step(self, real_batch, netD, optG, log_data, device=None, global_step=None, scaler=None,
                   amp_dtype=None, **kwargs):
        """One generator update.

        Generates as many images as ``real_batch`` holds, scores them with ``netD`` (whose weights
        are frozen meanwhile), and takes one ``optG`` step on the loss.

        Args:
            real_batch: The data batch ``(images, labels)``; only its size is used.
            netD (BaseDiscriminator): The opposing discriminator.
            optG (torch.optim.Optimizer): Optimiser of this generator.
            log_data (MetricLog): Receives ``errG`` (group ``loss``).
            device: Device to generate on (default: the model's).
            global_step (int, optional): The current generator step.
            scaler (torch.amp.GradScaler, optional): For fp16 mixed precision.
            amp_dtype (torch.dtype, optional): Autocast dtype (``torch.float16`` or ``torch.bfloat16``).

        Returns:
            MetricLog: ``log_data``.
        """
        images, _ = split_batch(real_batch)
        optG.zero_grad(set_to_none=True)
        with netD.frozen():
            with self.autocast(device or self.device, amp_dtype):
                fake_images, fake_labels = self.generate_batch(images.shape[0], device=device)
                output = netD.discriminate(fake_images, fake_labels)
                errG = self.compute_gan_loss(output)
            self.optimize(errG, optG, scaler)
        log_data.add_metric("errG", errG.detach(), group="loss")
        return log_data


class BaseDiscriminator(BaseModel):
    """Base of unconditional discriminators: maps images (N, C, H, W) in [-1, 1] to logits (N, 1).

    Args:
        ndf (int): Width of the discriminator.
        loss_type (str): Adversarial loss, one of :data:`torch_gan_zoo.losses.LOSS_TYPES`.

    Attributes:
        augment (callable or None): Differentiable augmentation applied to every image batch that
            :meth:`discriminate` scores, images (N, C, H, W) -> same shape. Has ``to_config()``.
        regularizers (list): Callables added to the discriminator loss in :meth:`train_step`; each is
            called as ``reg(netD, real_images=..., real_labels=..., fake_images=..., fake_labels=...,
            output_real=..., output_fake=..., global_step=..., scaler=...)`` and returns a scalar
            tensor (already weighted). Each has a ``name`` and a ``to_config()``.
    """

    def __init__(self, ndf, loss_type):
        super().__init__()
        self.ndf = ndf
        self.loss_type = resolve_loss_type(loss_type)
        self.regularizers = []
        self.augment = None

    def hparams(self):
        """Constructor arguments plus the configs of any attached regularisers and augmentation
        (see :class:`BaseModel`): they change what a run is, so a resume compares them."""
        config = super().hparams()
        if self.regularizers:
            config["regularizers"] = [reg.to_config() for reg in self.regularizers]
        if self.augment is not None:
            config["augment"] = self.augment.to_config() if hasattr(self.augment, "to_config") else repr(self.augment)
        return config

    def check_images(self, images):
        """Raise ``ValueError`` naming the expected shape if ``images`` don't fit this network.

        Networks that know their ``nc`` and ``resolution`` (every registered variant) check
        ``images.shape[1:] == (nc, resolution, resolution)``.
        """
        nc, res = getattr(self, "nc", None), getattr(self, "resolution", None)
        if images.dim() != 4 or (nc is not None and res is not None and tuple(images.shape[1:]) != (nc, res, res)):
            expected = f"(N, {nc}, {res}, {res})" if nc is not None and res is not None else "(N, C, H, W)"
            raise ValueError(f"{type(self).__name__} expects images of shape {expected}, got {tuple(images.shape)}")

    def discriminate(self, images, labels=None):
        """Logits (N, 1) for ``images`` (N, C, H, W); unconditional models ignore ``labels``.

        Applies :attr:`augment` (e.g. DiffAugment) first when one is set: train steps score real
        and generated images through here, so both see the same differentiable augmentation.
        """
        self.check_images(images)
        return self(self.augment(images) if self.augment is not None else images)

    def compute_gan_loss(self, output_real, output_fake):
        """The discriminator's adversarial loss (scalar) from its logits on real and fake images."""
        return discriminator_loss(self.loss_type, output_real, output_fake)

    def compute_probs(self, output_real, output_fake):
        """Mean sigmoid of the logits on real and on fake images: ``(D(x), D(G(z)))``.

        Returns 0-dim tensors (no host synchronisation); ``float()`` them to print.
        """
        return torch.sigmoid(output_real.detach().float()).mean(), torch.sigmoid(output_fake.detach().float()).mean()

    def compute_regularizers(self, **context):
        """Evaluate :attr:`regularizers` on the step's tensors; returns ``{name: scalar tensor}``."""
        return {reg.name: reg(self, **context) for reg in self.regularizers}

    def train_step(self, real_batch, netG, optD, log_data, device=None, global_step=None, scaler=None,
                   amp_dtype=None, **kwargs):
        """One discriminator update on a real batch and as many generated images.

        Generates under ``torch.no_grad()`` (no graph through G), computes
        :meth:`compute_gan_loss` plus any :attr:`regularizers`, and takes one ``optD`` step on
        their sum.

        Args:
            real_batch: ``(images, labels)`` from the data loader; images float (N, C, H, W) in [-1, 1].
            netG (BaseGenerator): The opposing generator.
            optD (torch.optim.Optimizer): Optimiser of this discriminator.
            log_data (MetricLog): Receives ``errD`` (group ``loss``), regulariser values (group
                ``regularizer``), ``D(x)`` and ``D(G(z))`` (group ``prob``).
            device: Device of the step (default: the model's).
            global_step (int, optional): The current generator step.
            scaler (torch.amp.GradScaler, optional): For fp16 mixed precision.
            amp_dtype (torch.dtype, optional): Autocast dtype.

        Returns:
            MetricLog: ``log_data``.
        """
        device = device or self.device
        real_images, real_labels = split_batch(real_batch, device)
        optD.zero_grad(set_to_none=True)
        with torch.no_grad(), self.autocast(device, amp_dtype):
            fake_images, fake_labels = netG.generate_batch(real_images.shape[0], device=device)
        with self.autocast(device, amp_dtype):
            output_real = self.discriminate(real_images, real_labels)
            output_fake = self.discriminate(fake_images, fake_labels)
            errD = self.compute_gan_loss(output_real, output_fake)
        reg_terms = self.compute_regularizers(
            real_images=real_images, real_labels=real_labels, fake_images=fake_images, fake_labels=fake_labels,
            output_real=output_real, output_fake=output_fake, global_step=global_step, scaler=scaler,
            amp_dtype=amp_dtype,
        )
        loss = errD + sum(reg_terms.values()) if reg_terms else errD
        self.optimize(loss, optD, scaler)
        D_x, D_Gz = self.compute_probs(output_real, output_fake)
        log_data.add_metric("errD", errD.detach(), group="loss")
        for name, value in reg_terms.items():
            log_data.add_metric(name, value.detach(), group="regularizer")
        log_data.add_metric("D(x)", D_x, group="prob")
        log_data.add_metric("D(G(z))", D_Gz, group="prob")
        return log_data
