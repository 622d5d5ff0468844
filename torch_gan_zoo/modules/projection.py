"""The output layer of the projection discriminator (Miyato & Koyama, 2018)."""

from __future__ import annotations

import torch

import torch.nn as nn

from torch_gan_zoo.modules.layers import maybe_spectral_norm

__all__ = ["ProjectionHead"]


class ProjectionHead(nn.Module):
    """Class-conditional logit by projection: ``logit = w^T h + b + <embed(y), h>``.

    The inner product with the class embedding scores how well the features ``h`` match class ``y``
    (cGAN-PD, SAGAN's and BigGAN's discriminators). Both layers are spectrally normalised and
    initialised Xavier-uniform, as in Mimicry's cGAN-PD.

    Args:
        in_features (int): Length C of the feature vector.
        num_classes (int): Number of classes.
        spectral_norm (bool): Spectrally normalise the linear layer and the embedding.

    Shapes: h (N, C) float, y (N,) long in ``[0, num_classes)`` -> logits (N, 1).
    """

    def __init__(self, in_features: int, num_classes: int, spectral_norm: bool = True) -> None:
        super().__init__()
        linear = nn.Linear(in_features, 1)
        embed = nn.Embedding(num_classes, in_features)
        nn.init.xavier_uniform_(linear.weight, 1.0)
        nn.init.xavier_uniform_(embed.weight, 1.0)
        self.linear = maybe_spectral_norm(linear, spectral_norm)
        self.embed = maybe_spectral_norm(embed, spectral_norm)

    def forward(self, h: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Logits (N, 1) of features ``h`` (N, C) for classes ``y`` (N,)."""
        return self.linear(h) + (self.embed(y) * h).sum(dim=1, keepdim=True)
