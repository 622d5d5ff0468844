"""Differentiable augmentation (Zhao et al., Differentiable Augmentation for Data-Efficient GAN
Training, NeurIPS 2020).

The same random, differentiable transformations are applied to every batch the discriminator scores,
real and generated, in the discriminator's and in the generator's step, so gradients reach the
generator through them. Set ``netD.augment = DiffAugment("color,translation,cutout")``.

Randomness comes from the global torch generator of the images' device: seeded runs repeat exactly,
and the Trainer's checkpoints (which hold the RNG states) resume exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch

__all__ = ["DiffAugment", "AUGMENT_POLICIES", "build_augment"]


def _uniform(images, low, high):
    """One factor per sample, uniform in [low, high), shaped (N, 1, 1, 1) in the images' dtype."""
    r = torch.rand(images.shape[0], 1, 1, 1, device=images.device)
    return (r * (high - low) + low).to(images.dtype)


def random_brightness(images: torch.Tensor) -> torch.Tensor:
    """Add one offset per image, uniform in [-0.5, 0.5)."""
    return images + _uniform(images, -0.5, 0.5)


def random_saturation(images: torch.Tensor) -> torch.Tensor:
    """Scale each pixel's deviation from its channel mean by a factor uniform in [0, 2)."""
    mean = images.mean(dim=1, keepdim=True)
    return (images - mean) * _uniform(images, 0.0, 2.0) + mean


def random_contrast(images: torch.Tensor) -> torch.Tensor:
    """Scale each image's deviation from its mean by a factor uniform in [0.5, 1.5)."""
    mean = images.mean(dim=(1, 2, 3), keepdim=True)
    return (images - mean) * _uniform(images, 0.5, 1.5) + mean


def random_translation(images: torch.Tensor, ratio: float = 0.125) -> torch.Tensor:
    """Shift each image by whole pixels, up to ``round(ratio * size)`` in each direction; the
    uncovered border is filled with zeros. ``out[i, j] = in[i + dy, j + dx]`` where in range."""
    n, c, h, w = images.shape
    max_dy, max_dx = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = torch.randint(-max_dy, max_dy + 1, (n, 1), device=images.device)
    dx = torch.randint(-max_dx, max_dx + 1, (n, 1), device=images.device)
    rows = torch.arange(h, device=images.device) + dy  # (N, H) source rows
    cols = torch.arange(w, device=images.device) + dx  # (N, W) source columns
    inside = ((rows >= 0) & (rows < h))[:, :, None] & ((cols >= 0) & (cols < w))[:, None, :]
    index = rows.clamp(0, h - 1)[:, :, None] * w + cols.clamp(0, w - 1)[:, None, :]  # (N, H, W)
    shifted = images.flatten(2).gather(2, index.flatten(1)[:, None, :].expand(n, c, h * w)).view(n, c, h, w)
    return shifted * inside[:, None].to(images.dtype)


def random_cutout(images: torch.Tensor, ratio: float = 0.5) -> torch.Tensor:
    """Zero one square of side ``round(ratio * size)`` per image, centred uniformly over the image
    (clipped at the borders)."""
    n, _, h, w = images.shape
    size_h, size_w = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = torch.randint(0, h + (1 - size_h % 2), (n, 1), device=images.device)
    cx = torch.randint(0, w + (1 - size_w % 2), (n, 1), device=images.device)
    top, left = cy - size_h // 2, cx - size_w // 2
    rows = torch.arange(h, device=images.device)
    cols = torch.arange(w, device=images.device)
    in_rows = (rows >= top) & (rows < top + size_h)  # (N, H)
    in_cols = (cols >= left) & (cols < left + size_w)  # (N, W)
    keep = ~(in_rows[:, :, None] & in_cols[:, None, :])
    return images * keep[:, None].to(images.dtype)


def random_flip(images: torch.Tensor) -> torch.Tensor:
    """Mirror each image left-right with probability 1/2 (not part of DiffAugment's policies; the
    transformation of consistency regularisation, Zhang et al. 2020)."""
    flip = torch.rand(images.shape[0], device=images.device) < 0.5
    return torch.where(flip[:, None, None, None], images.flip(3), images)


#: Policy name -> the transformations it applies, in order.
AUGMENT_POLICIES = {
    "color": ("brightness", "saturation", "contrast"),
    "translation": ("translation",),
    "cutout": ("cutout",),
    "flip": ("flip",),
}


class DiffAugment:
    """Differentiable augmentation of image batches; has no parameters and no state.

    Args:
        policy (str or list): Comma-separated policy names applied in order: ``color`` (random
            brightness, saturation and contrast), ``translation`` (shift by up to 1/8 of the size,
            zero fill), ``cutout`` (zero a square of half the size), and ``flip`` (random mirror).
            The paper's choice is ``'color,translation,cutout'``.
        translation_ratio (float): Largest shift as a fraction of the image size (paper: 1/8).
        cutout_ratio (float): Side of the cut-out square as a fraction of the image size (paper: 1/2).

    ``augment(images)``: float (N, C, H, W) -> same shape and dtype, differentiable in ``images``.
    """

    name = "diffaugment"

    def __init__(self, policy: str | Iterable[str] = "color,translation,cutout", translation_ratio: float = 0.125,
                 cutout_ratio: float = 0.5) -> None:
        names = policy.split(",") if isinstance(policy, str) else list(policy)
        names = [p.strip().lower() for p in names if p.strip()]
        unknown = [p for p in names if p not in AUGMENT_POLICIES]
        if unknown:
            raise ValueError(f"unknown DiffAugment policy {unknown}; choose from {sorted(AUGMENT_POLICIES)}")
        if not names:
            raise ValueError("DiffAugment needs at least one policy, e.g. 'color,translation,cutout'")
        if not 0 <= translation_ratio < 1 or not 0 < cutout_ratio <= 1:
            raise ValueError(f"need 0 <= translation_ratio < 1 and 0 < cutout_ratio <= 1, "
                             f"got {translation_ratio} and {cutout_ratio}")
        self.policy = tuple(names)
        self.translation_ratio = float(translation_ratio)
        self.cutout_ratio = float(cutout_ratio)

    def _transform(self, kind, images):
        if kind == "brightness":
            return random_brightness(images)
        if kind == "saturation":
            return random_saturation(images)
        if kind == "contrast":
            return random_contrast(images)
        if kind == "translation":
            return random_translation(images, self.translation_ratio)
        if kind == "cutout":
            return random_cutout(images, self.cutout_ratio)
        return random_flip(images)

    def __call__(self, images):
        """Augment ``images`` float (N, C, H, W); returns a new tensor of the same shape and dtype."""
        if not torch.is_tensor(images) or images.dim() != 4 or not images.is_floating_point():
            shape = tuple(images.shape) if torch.is_tensor(images) else type(images).__name__
            raise ValueError(f"DiffAugment expects float images of shape (N, C, H, W), got {shape}")
        for policy in self.policy:
            for kind in AUGMENT_POLICIES[policy]:
                images = self._transform(kind, images)
        return images

    def to_config(self) -> dict[str, Any]:
        """``{'name': 'diffaugment', 'policy': ..., 'translation_ratio': ..., 'cutout_ratio': ...}``."""
        return {"name": self.name, "policy": ",".join(self.policy), "translation_ratio": self.translation_ratio,
                "cutout_ratio": self.cutout_ratio}

    def __repr__(self):
        return (f"DiffAugment(policy={','.join(self.policy)!r}, translation_ratio={self.translation_ratio}, "
                f"cutout_ratio={self.cutout_ratio})")


def build_augment(config: Any) -> Callable[[torch.Tensor], torch.Tensor] | None:
    """An augmentation from its config, or ``None``.

    Args:
        config: ``None``, ``''`` or ``'none'`` (no augmentation); a policy string such as
            ``'color,translation,cutout'``; a dict as written by :meth:`DiffAugment.to_config`
            (``'name'`` optional); or an object that already has ``to_config`` (returned as is).

    Raises:
        ValueError: Unknown augmentation name or policy.
    """
    if config is None or config is False or (isinstance(config, str) and config.strip().lower() in ("", "none")):
        return None
    if isinstance(config, str):
        return DiffAugment(config)
    if isinstance(config, dict):
        kwargs = dict(config)
        name = kwargs.pop("name", DiffAugment.name)
        if name != DiffAugment.name:
            raise ValueError(f"unknown augmentation {name!r}; available: {DiffAugment.name!r}")
        return DiffAugment(**kwargs)
    if callable(config) and hasattr(config, "to_config"):
        return config
    raise TypeError(f"cannot build an augmentation from {type(config).__name__} {config!r}")
