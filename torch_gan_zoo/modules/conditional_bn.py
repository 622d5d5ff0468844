"""Class-conditional batch normalisation (de Vries et al., 2017; Miyato & Koyama, 2018)."""

from __future__ import annotations

import torch

import torch.nn as nn

__all__ = ["ConditionalBatchNorm2d"]


class ConditionalBatchNorm2d(nn.Module):
    """Batch norm whose affine scale and shift are looked up per class.

    ``y = gamma[c] * BN(x) + beta[c]`` with ``gamma`` initialised to 1 and ``beta`` to 0, so at
    initialisation it equals a plain ``BatchNorm2d``.

    Args:
        num_features (int): Channels C of the input.
        num_classes (int): Number of classes.
        eps (float), momentum (float): As in ``nn.BatchNorm2d``.

    Shapes:
        x: (N, C, H, W) float; y: (N,) long class labels in ``[0, num_classes)``; output like x.
    """

    def __init__(self, num_features: int, num_classes: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        self.num_features = num_features
        self.num_classes = num_classes
        self.bn = nn.BatchNorm2d(num_features, eps=eps, momentum=momentum, affine=False)
        self.gamma = nn.Embedding(num_classes, num_features)
        self.beta = nn.Embedding(num_classes, num_features)
        nn.init.ones_(self.gamma.weight)
        nn.init.zeros_(self.beta.weight)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Normalise ``x`` (N, C, H, W) and apply the affine transform of classes ``y`` (N,)."""
        out = self.bn(x)
        gamma = self.gamma(y).view(-1, self.num_features, 1, 1)
        beta = self.beta(y).view(-1, self.num_features, 1, 1)
        return gamma * out + beta
