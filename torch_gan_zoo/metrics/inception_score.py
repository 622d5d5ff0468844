"""Inception Score (Salimans et al., 2016) from the Inception classifier's logits.

``IS = exp(E_x KL(p(y|x) || p(y)))`` on each of ``splits`` disjoint parts of the samples; the score is
the mean over the parts and its spread the (population) standard deviation. As in the original
code and torch-fidelity, the logits are the 1008-way classifier's *without* its bias, the softmax is
taken in float64, and the samples are assigned to parts after a random permutation drawn with
``numpy.random.RandomState(seed)`` (torch-fidelity's default seed is 2020).
"""

from __future__ import annotations
import numpy as np
import torch

__all__ = ["inception_score"]


def inception_score(logits: torch.Tensor | np.ndarray, splits: int = 10, seed: int = 2020,
                    shuffle: bool = True) -> tuple[float, float]:
    """Inception Score of ``logits``.

    Args:
        logits (Tensor or ndarray): float ``(N, num_classes)`` classifier logits, ``N >= splits``.
        splits (int): Number of disjoint parts (10 in the literature).
        seed (int): Seed of the permutation that assigns samples to parts.
        shuffle (bool): Permute before splitting (False: contiguous parts, as the original code).

    Returns:
        (float, float): mean and standard deviation over the parts.
    """
    logits = torch.as_tensor(logits)
    if logits.dim() != 2:
        raise ValueError(f"expected logits of shape (N, num_classes), got {tuple(logits.shape)}")
    n = logits.shape[0]
    if not isinstance(splits, int) or splits < 1 or splits > n:
        raise ValueError(f"splits must be an int in [1, number of samples = {n}], got {splits!r}")
    if not torch.isfinite(logits).all():
        raise ValueError("the Inception logits contain NaN or infinite values")
    if shuffle:
        logits = logits[torch.from_numpy(np.random.RandomState(seed).permutation(n))]
    logits = logits.double()
    log_p = logits.log_softmax(dim=1)
    p = log_p.exp()
    scores = []
    for i in range(splits):
        part = slice(i * n // splits, (i + 1) * n // splits)
        p_i, log_p_i = p[part], log_p[part]
        log_marginal = p_i.mean(dim=0, keepdim=True).log()
        # 0 * log(0) = 0: classes whose probability underflows contribute nothing (instead of NaN)
        terms = torch.where(p_i > 0, p_i * (log_p_i - log_marginal), torch.zeros_like(p_i))
        kl = terms.sum(dim=1).mean()
        scores.append(kl.exp().item())
    return float(np.mean(scores)), float(np.std(scores))
