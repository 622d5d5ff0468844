"""Class-conditional GAN bases: the generator takes ``(z, y)``, the discriminator ``(x, y)``.

Training batches carry labels: ``real_batch = (images, labels)`` with labels (N,) long in
``[0, num_classes)``. Fake images are generated for uniformly drawn classes.
"""
from __future__ import annotations

from typing import Any

import torch

from torch_gan_zoo.config.validation import check_positive_int
from torch_gan_zoo.nets.gan import BaseDiscriminator, BaseGenerator

__all__ = ["BaseConditionalGenerator", "BaseConditionalDiscriminator", "class_labels"]


def _check_num_classes(cls, num_classes):
    if num_classes is None:
        raise TypeError(f"{cls.__name__} is class-conditional: it needs num_classes")
    check_positive_int("num_classes", num_classes)


def class_labels(c: Any, num_images: int, num_classes: int, device: Any,
                 generator: torch.Generator | None = None) -> torch.Tensor:
    """Turn a class request into labels, long (num_images,).

    Args:
        c: ``None`` (uniformly random classes), an int (every image of that class), or a tensor /
            sequence of ``num_images`` labels.
    """
    if c is None:
        return torch.randint(0, num_classes, (num_images,), device=device, generator=generator)
    if isinstance(c, int) and not isinstance(c, bool):
        labels = torch.full((num_images,), c, dtype=torch.long, device=device)
    else:
        labels = torch.as_tensor(c, device=device).long().reshape(-1)
        if labels.numel() != num_images:
            raise ValueError(f"got {labels.numel()} class labels for {num_images} images")
    _check_label_range(labels, num_classes)
    return labels


def _check_label_range(labels, num_classes, where=""):
    if labels.numel() and (int(labels.min()) < 0 or int(labels.max()) >= num_classes):
        raise ValueError(f"{where}class labels must lie in [0, {num_classes}), got range "
                         f"[{int(labels.min())}, {int(labels.max())}]")


def check_forward_labels(model: Any, labels: torch.Tensor, num_images: int) -> None:
    """Raise a ``ValueError`` naming the problem unless ``labels`` is an integer tensor (num_images,) with
    values in ``[0, model.num_classes)``: the check of a conditional network's ``forward(..., y)``."""
    name = type(model).__name__
    if not torch.is_tensor(labels) or labels.dtype.is_floating_point or labels.dtype.is_complex \
            or labels.dtype == torch.bool:
        what = labels.dtype if torch.is_tensor(labels) else type(labels).__name__
        raise ValueError(f"{name} takes class labels as an integer tensor (N,), got {what}")
    if tuple(labels.shape) != (num_images,):
        raise ValueError(f"{name} got class labels of shape {tuple(labels.shape)} for {num_images} inputs; "
                         f"expected ({num_images},)")
    _check_label_range(labels, model.num_classes, where=f"{name}: ")


class BaseConditionalGenerator(BaseGenerator):
    """Base of class-conditional generators; ``forward(z, y)`` returns images (N, C, H, W) in [-1, 1].

    Args:
        nz, ngf, bottom_width, loss_type: As in :class:`BaseGenerator`.
        num_classes (int): Number of classes (required).
    """

    def __init__(self, nz: int, ngf: int | None = None, bottom_width: int | None = None,
                 num_classes: int | None = None, loss_type: str = "ns"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type)
        _check_num_classes(type(self), num_classes)
        self.num_classes = num_classes

    def generate_images_with_labels(self, num_images: int, c: Any = None, device: Any = None,
                                    truncation: float | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Generate images and their classes: ``(float (N, C, H, W) in [-1, 1], long (N,))``."""
        device = self.device if device is None else device
        labels = class_labels(c, num_images, self.num_classes, device)
        return self(self.sample_latent(num_images, device, truncation=truncation), labels), labels

    def generate_images(self, num_images: int, c: Any = None, device: Any = None,
                        truncation: float | None = None) -> torch.Tensor:
        """Generate ``num_images`` images of class ``c`` (None: random; int: that class; or labels).
        ``truncation``: see :meth:`BaseGenerator.sample_latent`."""
        return self.generate_images_with_labels(num_images, c=c, device=device, truncation=truncation)[0]

    def generate_batch(self, num_images: int, device: Any = None) -> tuple[torch.Tensor, torch.Tensor]:
        """A training batch of generated images with uniformly random classes: ``(images, labels)``."""
        return self.generate_images_with_labels(num_images, device=device)

    def generate_paired_batch(self, num_images: int, device: Any = None
                              ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """A training batch in two halves with the same classes (for the mode-seeking term):
        ``(images, labels, z)``. ``num_images // 2`` uniformly random classes are drawn and repeated,
        so images ``i`` and ``i + num_images // 2`` share a class and have independent noise; with an
        odd ``num_images`` the last image gets a class of its own and no pair.

        Returns:
            tuple: images float (N, C, H, W) in [-1, 1], labels long (N,), z float (N, nz).
        """
        device = self.device if device is None else device
        half = num_images // 2
        first = class_labels(None, half, self.num_classes, device)
        labels = torch.cat([first, first, class_labels(None, num_images - 2 * half, self.num_classes, device)])
        z = self.sample_latent(num_images, device)
        return self(z, labels), labels, z


class BaseConditionalDiscriminator(BaseDiscriminator):
    """Base of class-conditional discriminators; ``forward(x, y)`` returns logits (N, 1).

    Args:
        ndf, loss_type: As in :class:`BaseDiscriminator`.
        num_classes (int): Number of classes (required).
    """

    conditional = True

    def __init__(self, ndf: int | None = None, num_classes: int | None = None, loss_type: str = "ns"):
        super().__init__(ndf=ndf, loss_type=loss_type)
        _check_num_classes(type(self), num_classes)
        self.num_classes = num_classes
