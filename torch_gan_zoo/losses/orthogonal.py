"""BigGAN's orthogonal regularisation of weights (Brock et al., 2019, eq. 3)."""

from __future__ import annotations

from collections.abc import Iterable

import torch

__all__ = ["orthogonal_regularization"]


def orthogonal_regularization(weights: Iterable[torch.Tensor], strength: float = 1e-4) -> torch.Tensor:
    """``strength * sum_W ||W^T W * (1 - I)||_F^2``: penalises the cosine overlap between filters
    without constraining their norms.

    Each weight tensor of shape (out, ...) is read as ``W`` of shape (fan_in, out), whose columns are
    its ``out`` filters, so ``W^T W`` is the (out, out) Gram matrix of the filters (BigGAN-PyTorch's
    ``ortho`` uses the same Gram matrix). When ``out > fan_in`` the value is computed through the
    smaller (fan_in, fan_in) Gram matrix, using ``||W^T W||_F = ||W W^T||_F``: same value, far less
    memory for wide linear layers.

    BigGAN-PyTorch adds ``2 * strength * (W W^T * (1 - I)) W`` to the gradients, which is the gradient
    of ``strength / 2`` times this penalty; here the penalty is a loss term with exactly the paper's
    formula.

    Args:
        weights (iterable of Tensor): Weight tensors with at least 2 dimensions (leave out biases,
            gains and embeddings, as the paper does).
        strength (float): ``beta`` (BigGAN: 1e-4).

    Returns:
        Tensor: float32 scalar.

    Raises:
        ValueError: A tensor has fewer than 2 dimensions.
    """
    total = None
    for weight in weights:
        if weight.dim() < 2:
            raise ValueError(f"orthogonal regularisation applies to weight matrices, got shape {tuple(weight.shape)}")
        filters = weight.float().reshape(weight.shape[0], -1)  # (out, fan_in): one filter per row
        if filters.shape[0] <= filters.shape[1]:
            gram = filters @ filters.t()
            term = (gram - torch.diag_embed(torch.diagonal(gram))).pow(2).sum()
        else:
            term = (filters.t() @ filters).pow(2).sum() - filters.pow(2).sum(dim=1).pow(2).sum()
        total = term if total is None else total + term
    if total is None:
        return torch.zeros(())
    return strength * total
