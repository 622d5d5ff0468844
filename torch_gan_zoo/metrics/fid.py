"""Fréchet Inception Distance: streaming Gaussian statistics and the Fréchet distance between them.

``FID = ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))`` over the pool3 features of two
image sets (Heusel et al., 2017).

* :class:`StreamingMoments` accumulates the mean and covariance batch by batch in float64 (Chan et
  al.'s pairwise update), so memory is O(d^2) whatever the number of images.
* :func:`trace_sqrt_product` computes ``tr((S1 S2)^(1/2))`` by the symmetric eigenvalue route,
  ``tr((L^T S1 L)^(1/2))`` with ``S2 = L L^T`` (Cholesky): one Cholesky and one ``eigvalsh`` instead
  of an iterative ``sqrtm``; negative eigenvalues (the imaginary part of the square root) are reported.
* With fewer samples than feature dimensions (n <= d) the covariance is ``S = F^T F`` for the
  centred, scaled features ``F`` (n x d), which the accumulator keeps (n x d <= d x d floats, so
  memory stays O(d^2)). Then ``S1 S2`` has the same non-zero eigenvalues as the small symmetric
  matrix ``F1 S2 F1^T`` (n x n): exact, and much faster than a d x d decomposition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from numpy.typing import ArrayLike

import json
import os
import warnings

import numpy as np
import torch

from torch_gan_zoo.utils.io import atomic_write

__all__ = ["StreamingMoments", "FIDStatistics", "trace_sqrt_product", "frechet_distance", "fid_from_statistics"]

#: Warn when the imaginary part of tr(sqrt(S1 S2)) exceeds this fraction of its real part.
IMAGINARY_TOLERANCE = 1e-3


class StreamingMoments:
    """Running mean and covariance of feature vectors, in float64.

    Feed batches with :meth:`update`; :meth:`statistics` gives the mean and the unbiased
    (``N - 1``) covariance, as ``numpy.cov`` computes them. Memory is O(d^2): the rows themselves
    are kept only while there are at most ``d`` of them (for the exact low-rank route).

    Args:
        dim (int): Feature dimension (2048 for pool3).
        device: Where the float64 accumulators live (the feature device is fine).
    """

    def __init__(self, dim: int, device: str | torch.device = "cpu") -> None:
        self.dim = dim
        self.count = 0
        self.mean = torch.zeros(dim, dtype=torch.float64, device=device)
        self.m2 = torch.zeros(dim, dim, dtype=torch.float64, device=device)  # sum of centred outer products
        self._rows = []  # the features themselves while count <= dim; None afterwards

    def update(self, features: torch.Tensor) -> None:
        """Add a batch: float ``(B, dim)`` features (any float dtype; NaN/inf raise)."""
        if features.dim() != 2 or features.shape[1] != self.dim:
            raise ValueError(f"expected features of shape (B, {self.dim}), got {tuple(features.shape)}")
        if not torch.isfinite(features).all():
            raise ValueError("the Inception features contain NaN or infinite values (check the input images "
                             "and the Inception weights)")
        x = features.to(device=self.mean.device, dtype=torch.float64)
        n_b = x.shape[0]
        if n_b == 0:
            return
        mean_b = x.mean(0)
        centred = x - mean_b
        m2_b = centred.t() @ centred
        n = self.count
        delta = mean_b - self.mean
        total = n + n_b
        self.mean += delta * (n_b / total)
        self.m2 += m2_b + torch.outer(delta, delta) * (n * n_b / total)
        self.count = total
        if self._rows is not None:
            self._rows.append(x)
            if total > self.dim:
                self._rows = None

    def statistics(self, meta: Mapping[str, Any] | None = None) -> FIDStatistics:
        """The :class:`FIDStatistics` of everything fed so far (needs at least 2 samples)."""
        if self.count < 2:
            raise ValueError(f"at least 2 samples are needed for a covariance, got {self.count}")
        sigma = self.m2 / (self.count - 1)
        factor = None
        if self._rows is not None:
            factor = ((torch.cat(self._rows) - self.mean) / (self.count - 1) ** 0.5).cpu().numpy()
        return FIDStatistics(self.mean.cpu().numpy(), sigma.cpu().numpy(), self.count, meta, factor)


class FIDStatistics:
    """Mean ``mu`` (float64 ``(d,)``) and covariance ``sigma`` (float64 ``(d, d)``) of ``num_samples`` features.

    ``factor`` (float64 ``(n, d)``, optional, only when n <= d) holds the centred features divided
    by ``sqrt(n - 1)``, so that ``sigma = factor.T @ factor``; it enables the exact low-rank route.

    Saved as ``.npz`` with ``mu`` and ``sigma`` (pytorch-fid's format, so its tools read our files
    and we read theirs), ``factor`` when present, and ``meta``, a JSON string recording where the
    statistics came from.
    """

    def __init__(self, mu: ArrayLike, sigma: ArrayLike, num_samples: int | None = None,
                 meta: Mapping[str, Any] | None = None, factor: ArrayLike | None = None) -> None:
        mu = np.asarray(mu, dtype=np.float64)
        sigma = np.asarray(sigma, dtype=np.float64)
        if mu.ndim != 1 or sigma.shape != (mu.shape[0], mu.shape[0]):
            raise ValueError(f"FID statistics need mu of shape (d,) and sigma of shape (d, d), got {mu.shape} "
                             f"and {sigma.shape}")
        if factor is not None:
            factor = np.asarray(factor, dtype=np.float64)
            if factor.ndim != 2 or factor.shape[1] != mu.shape[0]:
                raise ValueError(f"FID statistics factor must have shape (n, {mu.shape[0]}), got {factor.shape}")
        self.mu = mu
        self.sigma = sigma
        self.factor = factor
        self.num_samples = None if num_samples is None else int(num_samples)
        self.meta = dict(meta or {})

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write ``path`` (``.npz``) atomically."""
        meta = dict(self.meta, num_samples=self.num_samples)
        arrays = {"mu": self.mu, "sigma": self.sigma}
        if self.factor is not None:
            arrays["factor"] = self.factor
        with atomic_write(path, "wb") as f:
            np.savez(f, meta=np.array(json.dumps(meta, sort_keys=True)), **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> FIDStatistics:
        """Read an ``.npz`` with ``mu`` and ``sigma`` (ours or pytorch-fid's).

        Raises:
            ValueError: The file is unreadable, lacks ``mu``/``sigma``, or holds non-finite values.
        """
        path = os.fspath(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                if "mu" not in data or "sigma" not in data:
                    raise ValueError(f"it has arrays {sorted(data.files)}, not 'mu' and 'sigma'")
                mu, sigma = data["mu"], data["sigma"]
                factor = data["factor"] if "factor" in data else None
                meta = json.loads(str(data["meta"])) if "meta" in data else {}
        except Exception as exc:
            raise ValueError(f"could not read FID statistics from {path}: {exc}") from exc
        if not (np.isfinite(mu).all() and np.isfinite(sigma).all()):
            raise ValueError(f"the FID statistics in {path} contain NaN or infinite values")
        return cls(mu, sigma, meta.pop("num_samples", None), meta, factor)


def _sym_sqrt_psd(a):
    w, v = np.linalg.eigh(a)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def trace_sqrt_product(sigma1: np.ndarray, sigma2: np.ndarray, factor1: np.ndarray | None = None,
                       factor2: np.ndarray | None = None) -> tuple[float, float]:
    """``tr((sigma1 @ sigma2)^(1/2))`` for symmetric PSD matrices, and the size of its imaginary part.

    For any ``F`` with ``sigma2 = F.T @ F``, ``sigma1 @ sigma2`` has the same non-zero eigenvalues as
    the symmetric PSD matrix ``A = F sigma1 F.T``, so the trace is the sum of the square roots of
    ``A``'s eigenvalues. ``F`` is the transposed Cholesky factor of ``sigma2`` (when ``sigma2`` is not
    numerically positive definite, the roles swap and ``F`` is the symmetric square root of
    ``sigma1``), or, if given, a low-rank factor (n x d, n < d) of either side, which makes ``A``
    only n x n. With factors for both sides, the
    trace is the sum of the singular values of ``F1 F2.T``. Round-off makes some eigenvalues
    slightly negative; their square roots are the imaginary part that an ``sqrtm``-based
    implementation would discard.

    Returns:
        (float, float): the real trace, and the absolute imaginary part ``sum(sqrt(-w[w < 0]))``.
    """
    s1 = np.asarray(sigma1, dtype=np.float64)
    s2 = np.asarray(sigma2, dtype=np.float64)
    if factor1 is not None and factor2 is not None:
        # sigma1 sigma2 = F1^T (F1 F2^T) F2: its non-zero eigenvalues are the squared singular values
        # of F1 F2^T, so the trace of the square root is their sum (no square root of round-off).
        m = np.asarray(factor1, dtype=np.float64) @ np.asarray(factor2, dtype=np.float64).T
        return float(np.linalg.svd(m, compute_uv=False).sum()), 0.0
    factors = [(f.shape[0], np.asarray(f, dtype=np.float64), other)
               for f, other in ((factor1, s2), (factor2, s1)) if f is not None and f.shape[0] < s1.shape[0]]
    if factors:
        _, f, other = min(factors, key=lambda t: t[0])
    else:
        try:  # sigma2 = L L^T, so sigma1 sigma2 is similar to L^T sigma1 L: one Cholesky, one eigvalsh
            f, other = np.linalg.cholesky((s2 + s2.T) / 2).T, s1
        except np.linalg.LinAlgError:  # sigma2 singular: sigma1^(1/2) sigma2 sigma1^(1/2) instead
            f, other = _sym_sqrt_psd((s1 + s1.T) / 2), s2
    a = f @ ((other + other.T) / 2) @ f.T
    w = np.linalg.eigvalsh((a + a.T) / 2)
    real = float(np.sqrt(np.clip(w, 0, None)).sum())
    imag = float(np.sqrt(np.clip(-w, 0, None)).sum())
    return real, imag


def frechet_distance(mu1: ArrayLike, sigma1: ArrayLike, mu2: ArrayLike, sigma2: ArrayLike,
                     factor1: np.ndarray | None = None, factor2: np.ndarray | None = None) -> float:
    """The Fréchet distance between ``N(mu1, sigma1)`` and ``N(mu2, sigma2)``.

    Args:
        mu1, mu2: ``(d,)`` means. sigma1, sigma2: ``(d, d)`` covariances (numpy or torch, any float).
        factor1, factor2: Optional ``(n, d)`` factors with ``sigma = factor.T @ factor`` (see
            :class:`FIDStatistics`): exact and faster when n < d.

    Returns:
        float: The distance (>= 0 up to round-off). Warns (RuntimeWarning) when the square root has
        a significant imaginary part (singular or badly estimated covariances, e.g. fewer samples
        than feature dimensions).
    """
    mu1, mu2 = (np.asarray(m, dtype=np.float64) for m in (mu1, mu2))
    sigma1, sigma2 = (np.asarray(s, dtype=np.float64) for s in (sigma1, sigma2))
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape or sigma1.shape != (mu1.shape[0],) * 2:
        raise ValueError(f"FID statistics have mismatched shapes: mu {mu1.shape} vs {mu2.shape}, "
                         f"sigma {sigma1.shape} vs {sigma2.shape} (different feature extractors?)")
    for name, arr in (("mu1", mu1), ("mu2", mu2), ("sigma1", sigma1), ("sigma2", sigma2)):
        if not np.isfinite(arr).all():
            raise ValueError(f"FID statistics {name} contain NaN or infinite values")
    tr_sqrt, imag = trace_sqrt_product(sigma1, sigma2, factor1, factor2)
    if imag > IMAGINARY_TOLERANCE * max(tr_sqrt, 1e-12):
        warnings.warn(
            f"FID: the matrix square root has a significant imaginary part ({imag:.4g} vs real trace {tr_sqrt:.4g}); "
            f"the covariances are probably singular (fewer samples than the {mu1.shape[0]} feature dimensions?) "
            f"and the score is unreliable",
            RuntimeWarning,
            stacklevel=2,
        )
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * tr_sqrt)


def fid_from_statistics(stats1: FIDStatistics, stats2: FIDStatistics) -> float:
    """FID between two :class:`FIDStatistics` (using their low-rank factors when present)."""
    return frechet_distance(stats1.mu, stats1.sigma, stats2.mu, stats2.sigma, stats1.factor, stats2.factor)
