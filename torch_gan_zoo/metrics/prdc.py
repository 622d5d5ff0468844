"""Precision, recall, density and coverage (Kynkäänniemi et al., 2019; Naeem et al., 2020).

A real sample's k-NN radius is the distance to its k-th nearest other real sample (likewise for
fake samples). Then, as in the ``prdc`` package:

* precision: fraction of fake samples inside at least one real sample's k-NN ball;
* recall: fraction of real samples inside at least one fake sample's k-NN ball;
* density: (1/k) x mean over fake samples of the number of real balls containing it;
* coverage: fraction of real samples whose ball contains at least one fake sample.

Distances are computed in float64 in chunks of rows, so memory is O(chunk x N), never N x N
(50k x 50k would be 20 GB in float64).
"""

from __future__ import annotations

import numpy as np

import torch

from torch_gan_zoo.config.validation import check_positive_int

__all__ = ["prdc"]

_CHUNK_ELEMENTS = 1 << 24  # ~128 MB of float64 distances per chunk


def _sq_norms(x):
    return (x * x).sum(dim=1)


def _distances(a, b, a_sq, b_sq):
    d2 = a_sq[:, None] + b_sq[None, :] - 2 * (a @ b.t())
    return d2.clamp_min_(0).sqrt_()


def _chunk_rows(n_cols, chunk_size):
    return chunk_size or max(1, _CHUNK_ELEMENTS // max(1, n_cols))


def _kth_nn_radii(x, x_sq, k, chunk_size):
    """Distance from each row of ``x`` to its k-th nearest *other* row (the k+1-th including itself)."""
    n = x.shape[0]
    radii = torch.empty(n, dtype=torch.float64, device=x.device)
    rows = _chunk_rows(n, chunk_size)
    for start in range(0, n, rows):
        d = _distances(x[start:start + rows], x, x_sq[start:start + rows], x_sq)
        radii[start:start + rows] = torch.topk(d, k + 1, dim=1, largest=False).values[:, -1]
    return radii


def prdc(real_features: torch.Tensor | np.ndarray, fake_features: torch.Tensor | np.ndarray, nearest_k: int = 5,
         chunk_size: int | None = None, device: str | torch.device | None = None) -> dict[str, float]:
    """Precision, recall, density and coverage of fake features against real features.

    Args:
        real_features (Tensor or ndarray): float ``(N_real, d)``.
        fake_features (Tensor or ndarray): float ``(N_fake, d)``.
        nearest_k (int): k of the k-NN balls (5 in the paper); both sides need more than k samples.
        chunk_size (int, optional): Rows per distance chunk (default: ~128 MB per chunk).
        device: Where to compute (default: the features' device).

    Returns:
        dict: ``{'precision', 'recall', 'density', 'coverage'}`` as floats.
    """
    real = torch.as_tensor(real_features)
    fake = torch.as_tensor(fake_features)
    if real.dim() != 2 or fake.dim() != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(f"expected features of shapes (N1, d) and (N2, d), got {tuple(real.shape)} and "
                         f"{tuple(fake.shape)}")
    check_positive_int("nearest_k", nearest_k)
    if real.shape[0] <= nearest_k or fake.shape[0] <= nearest_k:
        raise ValueError(f"PRDC with nearest_k={nearest_k} needs more than {nearest_k} samples on each side "
                         f"(real: {real.shape[0]}, fake: {fake.shape[0]})")
    device = device or real.device
    real = real.to(device=device, dtype=torch.float64)
    fake = fake.to(device=device, dtype=torch.float64)
    real_sq, fake_sq = _sq_norms(real), _sq_norms(fake)
    real_radii = _kth_nn_radii(real, real_sq, nearest_k, chunk_size)
    fake_radii = _kth_nn_radii(fake, fake_sq, nearest_k, chunk_size)

    n_real, n_fake = real.shape[0], fake.shape[0]
    in_real_balls = torch.zeros(n_fake, dtype=torch.float64, device=device)  # per fake: # real balls containing it
    real_in_fake_ball = torch.zeros(n_real, dtype=torch.bool, device=device)
    nearest_fake = torch.full((n_real,), float("inf"), dtype=torch.float64, device=device)
    rows = _chunk_rows(n_real, chunk_size)
    for start in range(0, n_fake, rows):
        stop = min(start + rows, n_fake)
        d = _distances(fake[start:stop], real, fake_sq[start:stop], real_sq)  # (chunk, n_real)
        in_real_balls[start:stop] = (d < real_radii[None, :]).sum(dim=1).double()
        real_in_fake_ball |= (d < fake_radii[start:stop, None]).any(dim=0)
        nearest_fake = torch.minimum(nearest_fake, d.min(dim=0).values)
    return {
        "precision": (in_real_balls > 0).double().mean().item(),
        "recall": real_in_fake_ball.double().mean().item(),
        "density": (in_real_balls.sum() / (nearest_k * n_fake)).item(),
        "coverage": (nearest_fake < real_radii).double().mean().item(),
    }
