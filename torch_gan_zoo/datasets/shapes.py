"""``shapes``: a download-free dataset of coloured geometric shapes, generated procedurally.

Each RGB image shows one shape (circle, square, triangle, cross or ring; the label) in a bright
random colour, at a random position, size and rotation, on a dark random background, rendered with
4x4 supersampling for smooth edges. The same ``seed`` and ``split`` always give the same images; the
train and test splits use different random streams.
"""

from __future__ import annotations

from typing import Any

import functools

import numpy as np
import torch

from torch_gan_zoo.config.validation import check_positive_int
from torch_gan_zoo.datasets.base import ImageTensorDataset

__all__ = ["SHAPE_CLASSES", "ShapesDataset", "render_shapes"]

#: Class names, indexed by label.
SHAPE_CLASSES = ("circle", "square", "triangle", "cross", "ring")
_SPLITS = {"train": 0, "test": 1}
_SUPERSAMPLE = 4


def _hsv_to_rgb(h, s, v):
    i = np.floor(h * 6).astype(int) % 6
    f = h * 6 - np.floor(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    table = np.stack([np.stack(c, -1) for c in ((v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q))])
    return table[i, np.arange(len(h))]


def _coverage(labels, cx, cy, size, angle, resolution):
    """Fraction (N, R, R) of each pixel covered by each image's shape."""
    n, s = len(labels), resolution * _SUPERSAMPLE
    grid = (np.arange(s, dtype=np.float32) + 0.5) / _SUPERSAMPLE
    px = grid[None, None, :] - cx[:, None, None]
    py = grid[None, :, None] - cy[:, None, None]
    cos, sin = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    x, y = cos * px + sin * py, -sin * px + cos * py
    r = size[:, None, None]
    dist = np.sqrt(x * x + y * y)
    inside = np.zeros((n, s, s), dtype=bool)
    masks = {
        0: lambda: dist < r,
        1: lambda: (np.abs(x) < 0.8 * r) & (np.abs(y) < 0.8 * r),
        2: lambda: _triangle(x, y, r),
        3: lambda: ((np.abs(x) < r) & (np.abs(y) < 0.3 * r)) | ((np.abs(x) < 0.3 * r) & (np.abs(y) < r)),
        4: lambda: (dist < r) & (dist > 0.55 * r),
    }
    for label, mask in masks.items():
        rows = labels == label
        if rows.any():
            inside[rows] = mask()[rows]
    return inside.reshape(n, resolution, _SUPERSAMPLE, resolution, _SUPERSAMPLE).mean(axis=(2, 4))


def _triangle(x, y, r):
    """Equilateral triangle with circumradius r, pointing up (before rotation)."""
    inside = y < 0.5 * r
    for theta in (np.pi / 6, 5 * np.pi / 6):
        nx, ny = np.cos(theta), -np.sin(theta)
        inside &= x * nx + y * ny < 0.5 * r
    return inside


def render_shapes(num_images: int, resolution: int = 32, seed: int = 0, split: str = "train",
                  chunk: int = 512) -> tuple[torch.Tensor, torch.Tensor]:
    """Render ``num_images`` shape images.

    Returns:
        tuple: ``(images uint8 (N, 3, R, R), labels long (N,))``.
    """
    if split not in _SPLITS:
        raise ValueError(f"shapes has splits {sorted(_SPLITS)}, not {split!r}")
    if resolution < 8:
        raise ValueError(f"shapes needs resolution >= 8, got {resolution}")
    rng = np.random.default_rng([int(seed), _SPLITS[split]])
    labels = rng.integers(0, len(SHAPE_CLASSES), num_images)
    size = rng.uniform(0.18, 0.32, num_images) * resolution
    cx = rng.uniform(0.35, 0.65, num_images) * resolution
    cy = rng.uniform(0.35, 0.65, num_images) * resolution
    angle = rng.uniform(0, 2 * np.pi, num_images)
    background = rng.uniform(0.0, 0.3, (num_images, 3))
    foreground = _hsv_to_rgb(rng.uniform(0, 1, num_images), rng.uniform(0.6, 1.0, num_images),
                             rng.uniform(0.75, 1.0, num_images))
    images = np.empty((num_images, 3, resolution, resolution), dtype=np.uint8)
    for start in range(0, num_images, chunk):
        sl = slice(start, start + chunk)
        alpha = _coverage(labels[sl], cx[sl], cy[sl], size[sl], angle[sl], resolution)[:, None]
        rgb = background[sl, :, None, None] * (1 - alpha) + foreground[sl, :, None, None] * alpha
        images[sl] = np.clip(np.rint(rgb * 255), 0, 255).astype(np.uint8)
    return torch.from_numpy(images), torch.from_numpy(labels.astype(np.int64))


@functools.lru_cache(maxsize=4)
def _cached(num_images, resolution, seed, split):
    return render_shapes(num_images, resolution, seed, split)


class ShapesDataset(ImageTensorDataset):
    """The ``shapes`` dataset (see the module docstring).

    Args:
        num_images (int): Images in the split (default 10,000 for train, 2,000 for test).
        resolution (int): Image size (default 32).
        seed (int): Seed of the generator (default 0).
        split (str): ``'train'`` or ``'test'``.

    Items: ``(float (3, R, R) in [-1, 1], int label in [0, 5))``.
    """

    def __init__(self, num_images: int | None = None, resolution: int = 32, seed: int = 0,
                 split: str = "train") -> None:
        num_images = num_images if num_images is not None else (10000 if split == "train" else 2000)
        check_positive_int("num_images", num_images)
        images, labels = _cached(num_images, int(resolution), int(seed), split)
        super().__init__(images, labels, name="shapes", split=split, num_classes=len(SHAPE_CLASSES))
        self.seed = seed

    def describe(self) -> dict[str, Any]:
        """Name, split, resolution, channels, classes, size and seed."""
        return {**super().describe(), "seed": self.seed, "num_images": len(self)}
