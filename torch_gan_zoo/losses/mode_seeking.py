"""The mode-seeking regulariser of MSGAN (Mao et al., "Mode Seeking Generative Adversarial Networks for
Diverse Image Synthesis", CVPR 2019): a generator-side term that rewards images that differ when their
noise vectors differ, so a (conditional) generator cannot learn to ignore ``z``.

For pairs of images ``a_i = G(z_a_i, y_i)`` and ``b_i = G(z_b_i, y_i)`` generated with the same
condition, the generator minimises ``weight / (mean_i [mean|a_i - b_i| / mean|z_a_i - z_b_i|] + eps)``.
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["mode_seeking_loss", "ModeSeekingRegularizer"]


def mode_seeking_loss(images_a: torch.Tensor, images_b: torch.Tensor, z_a: torch.Tensor, z_b: torch.Tensor,
                      eps: float = 1e-5) -> torch.Tensor:
    """``1 / (mean_i [mean_pixels |a_i - b_i| / mean_dims |z_a_i - z_b_i|] + eps)``, a float32 scalar.

    Args:
        images_a, images_b: float (P, ...) (e.g. images (P, C, H, W) in [-1, 1]), pair ``i`` being
            ``images_a[i]`` and ``images_b[i]``; any float dtype (computed in float32).
        z_a, z_b: float (P, ...) the noise each image was generated from (e.g. (P, nz)).
        eps (float): Keeps the value finite when the images of every pair are equal.

    Returns:
        Tensor: A float32 scalar; small when images change as much as their noise does.

    Raises:
        ValueError: The two image batches (or the two noise batches) differ in shape, the batches
            hold different numbers of pairs, or there is no pair.
    """
    if images_a.shape != images_b.shape:
        raise ValueError(f"mode_seeking_loss: images_a {tuple(images_a.shape)} and images_b "
                         f"{tuple(images_b.shape)} must have one shape")
    if z_a.shape != z_b.shape:
        raise ValueError(f"mode_seeking_loss: z_a {tuple(z_a.shape)} and z_b {tuple(z_b.shape)} must have one shape")
    if images_a.dim() < 1 or z_a.dim() < 1 or images_a.shape[0] != z_a.shape[0]:
        raise ValueError(f"mode_seeking_loss: images {tuple(images_a.shape)} and noise {tuple(z_a.shape)} must "
                         "hold the same number of pairs along dimension 0")
    if images_a.shape[0] == 0:
        raise ValueError("mode_seeking_loss needs at least one pair")
    pairs = images_a.shape[0]
    image_distance = (images_a.float() - images_b.float()).abs().reshape(pairs, -1).mean(dim=1)
    noise_distance = (z_a.float() - z_b.float()).abs().reshape(pairs, -1).mean(dim=1)
    return 1.0 / ((image_distance / noise_distance).mean() + eps)


class ModeSeekingRegularizer:
    """The mode-seeking term as a generator regulariser: ``weight * mode_seeking_loss(...)``.

    Unlike the discriminator regularisers of :mod:`torch_gan_zoo.losses.regularizers`, it acts on the
    generator step (``applies_to == 'generator'``): the step generates its batch as two halves with the
    same labels and independent noise, and calls ``reg(images_a, images_b, z_a, z_b)``.

    Args:
        weight (float): lambda_ms (MSGAN: 1); >= 0.
        eps (float): See :func:`mode_seeking_loss` (> 0).
    """

    name = "mode_seeking"
    applies_to = "generator"

    def __init__(self, weight: float = 1.0, eps: float = 1e-5) -> None:
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight >= 0:
            raise ValueError(f"mode_seeking weight must be a number >= 0, got {weight!r}")
        if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps > 0:
            raise ValueError(f"mode_seeking eps must be a number > 0, got {eps!r}")
        self.weight = float(weight)
        self.eps = float(eps)

    def __call__(self, images_a: torch.Tensor, images_b: torch.Tensor, z_a: torch.Tensor,
                 z_b: torch.Tensor, **context: Any) -> torch.Tensor:
        """The weighted term, a float32 scalar tensor."""
        return self.weight * mode_seeking_loss(images_a, images_b, z_a, z_b, eps=self.eps)

    def to_config(self) -> dict[str, Any]:
        """``{'name': 'mode_seeking', 'weight': ...}`` (plus ``eps`` when not the default)."""
        config = {"name": self.name, "weight": self.weight}
        if self.eps != 1e-5:
            config["eps"] = self.eps
        return config

    def __repr__(self):
        return f"ModeSeekingRegularizer(weight={self.weight}, eps={self.eps})"
