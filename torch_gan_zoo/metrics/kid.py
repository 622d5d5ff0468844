"""Kernel Inception Distance (Bińkowski et al., 2018).

The unbiased estimator of the squared MMD with the cubic polynomial kernel
``k(x, y) = (x . y / d + 1)^3`` between pool3 features, averaged over ``subsets`` random subsets
of ``subset_size`` samples of each side (100 x 1000 in the literature), drawn without replacement
with ``numpy.random.RandomState(seed)`` in the same order as torch-fidelity: for each subset, first
the subset of ``features_1`` (torch-fidelity's ``input1``, by convention the generated images), then
that of ``features_2``. Computed in float64.
"""

from __future__ import annotations
import numpy as np
import torch

from torch_gan_zoo.config.validation import check_positive_int

__all__ = ["kernel_inception_distance", "mmd2_unbiased"]


def _poly_kernel(x, y, degree, gamma, coef0):
    return (x @ y.t() * gamma + coef0) ** degree


def mmd2_unbiased(k_xx: torch.Tensor, k_xy: torch.Tensor, k_yy: torch.Tensor) -> torch.Tensor:
    """Unbiased MMD^2 from ``(m, m)`` kernel matrices (diagonals of ``k_xx``/``k_yy`` excluded)."""
    m = k_xx.shape[0]
    sum_xx = k_xx.sum() - k_xx.diagonal().sum()
    sum_yy = k_yy.sum() - k_yy.diagonal().sum()
    return (sum_xx + sum_yy) / (m * (m - 1)) - 2 * k_xy.sum() / (m * m)


def kernel_inception_distance(features_1: torch.Tensor | np.ndarray, features_2: torch.Tensor | np.ndarray,
                              subsets: int = 100, subset_size: int = 1000, degree: int = 3,
                              gamma: float | None = None, coef0: float = 1.0, seed: int = 2020,
                              device: str | torch.device | None = None) -> tuple[float, float]:
    """KID between two feature sets.

    Args:
        features_1, features_2 (Tensor or ndarray): float ``(N1, d)`` and ``(N2, d)``; the metric
            is symmetric, but the subsets are drawn from ``features_1`` first (pass the generated
            images' features first to reproduce torch-fidelity's numbers).
        subsets (int): Number of random subsets.
        subset_size (int): Samples per subset and side; both sides need at least this many.
        degree, gamma, coef0: Polynomial kernel ``(gamma x.y + coef0)^degree``; ``gamma`` defaults to ``1/d``.
        seed (int): Seed of the subset draws.
        device: Where to compute (default: the features' device).

    Returns:
        (float, float): mean and standard deviation of the per-subset MMD^2 estimates.
    """
    x = torch.as_tensor(features_1)
    y = torch.as_tensor(features_2)
    if x.dim() != 2 or y.dim() != 2 or x.shape[1] != y.shape[1]:
        raise ValueError(f"expected features of shapes (N1, d) and (N2, d), got {tuple(x.shape)} and {tuple(y.shape)}")
    n1, n2 = x.shape[0], y.shape[0]
    if not isinstance(subset_size, int) or subset_size < 2:
        raise ValueError(f"KID subset_size must be an int >= 2, got {subset_size!r}")
    check_positive_int("KID subsets", subsets)
    if n1 < subset_size or n2 < subset_size:
        raise ValueError(f"KID subset_size={subset_size} is larger than the number of samples ({n1} and {n2}); "
                         f"pass a smaller subset_size= or more samples")
    device = device or x.device
    x = x.to(device=device, dtype=torch.float64)
    y = y.to(device=device, dtype=torch.float64)
    gamma = 1.0 / x.shape[1] if gamma is None else gamma
    rng = np.random.RandomState(seed)
    values = np.empty(subsets)
    for i in range(subsets):
        xs = x[torch.from_numpy(rng.choice(n1, subset_size, replace=False)).to(device)]
        ys = y[torch.from_numpy(rng.choice(n2, subset_size, replace=False)).to(device)]
        k_xx = _poly_kernel(xs, xs, degree, gamma, coef0)
        k_xy = _poly_kernel(xs, ys, degree, gamma, coef0)
        k_yy = _poly_kernel(ys, ys, degree, gamma, coef0)
        values[i] = mmd2_unbiased(k_xx, k_xy, k_yy).item()
    return float(values.mean()), float(values.std())
