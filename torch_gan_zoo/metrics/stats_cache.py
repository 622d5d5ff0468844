"""On-disk cache of reference statistics (FID mean/covariance, optionally all pool3 features).

An entry is keyed by everything that changes the numbers: what the images are (dataset name,
split, resolution, root and loader arguments, or a folder's path and file listing), how many were
used and which subset, the class filter, the preprocessing protocol and quantisation, the
Inception weights' SHA-256, whether the fast (batch-norm-folded) network was used and its precision. The key's
SHA-256 names the file; the key itself and checksums of the arrays are stored inside, so a stale
entry (other key, older format) or a corrupt one (unreadable, wrong checksum, NaN) is detected,
reported with a warning and recomputed. Files are written atomically.
"""

from __future__ import annotations

from typing import Any

import hashlib
import json
import os
import re
import warnings

import numpy as np

from torch_gan_zoo.hub import get_cache_dir
from torch_gan_zoo.metrics.fid import FIDStatistics
from torch_gan_zoo.utils.io import atomic_write

__all__ = ["StatsCache", "make_cache_key", "CACHE_FORMAT"]

CACHE_FORMAT = 1


def make_cache_key(identity: dict, *, protocol: str, quantize: bool, weights_sha256: str, fast: bool,
                   precision: str = "fp32") -> dict:
    """The cache key (a JSON-able dict) of one source under one preprocessing, network and precision."""
    return {
        "format": CACHE_FORMAT,
        "source": identity,
        "protocol": protocol,
        "quantize": bool(quantize),
        "weights_sha256": weights_sha256,
        "fast": bool(fast),
        "precision": precision,
    }


def _digest(*arrays):
    h = hashlib.sha256()
    for a in arrays:
        h.update(str(a.dtype).encode() + str(a.shape).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


class StatsCache:
    """Reference statistics on disk, in ``directory`` (default ``<cache dir>/fid_stats``)."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = directory or os.path.join(get_cache_dir(), "fid_stats")

    def path_for(self, key: Any) -> str:
        """File path of the entry for ``key``: readable prefix + 20 hex digits of the key's SHA-256."""
        text = json.dumps(key, sort_keys=True)
        src = key.get("source") or {}
        label = src.get("name") or os.path.basename(str(src.get("path", "images")))
        parts = [label, src.get("split"), src.get("num_samples"), key.get("protocol")]
        slug = "-".join(re.sub(r"[^A-Za-z0-9_.]+", "_", str(p)) for p in parts if p is not None)
        return os.path.join(self.directory, f"{slug}-{hashlib.sha256(text.encode()).hexdigest()[:20]}.npz")

    def load(self, key: Any, need_pool3: bool = False) -> tuple[FIDStatistics, np.ndarray | None] | None:
        """The cached ``(FIDStatistics, pool3 or None)`` for ``key``, or None (missing, stale, corrupt,
        or lacking the pool3 features when ``need_pool3``)."""
        path = self.path_for(key)
        if not os.path.isfile(path):
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                if meta.get("key") != key:
                    raise ValueError("it was written for another key (stale entry)")
                mu, sigma = data["mu"], data["sigma"]
                factor = data["factor"] if "factor" in data else None
                if _digest(mu, sigma, *([] if factor is None else [factor])) != meta.get("stats_sha256"):
                    raise ValueError("the checksum of the statistics does not match")
                pool3 = None
                if need_pool3:
                    if "pool3" not in data:
                        return None  # valid, but computed without the features: recompute with them
                    pool3 = data["pool3"]
                    if _digest(pool3) != meta.get("pool3_sha256"):
                        raise ValueError("the checksum of the pool3 features does not match")
            stats = FIDStatistics(mu, sigma, meta.get("num_samples"), meta.get("info"), factor)
            if not (np.isfinite(mu).all() and np.isfinite(sigma).all()):
                raise ValueError("it contains NaN or infinite values")
        except Exception as exc:  # unreadable zip, missing arrays, bad JSON, checksum, shapes
            warnings.warn(f"ignoring the corrupt or stale statistics cache file {path} ({exc}); recomputing",
                          RuntimeWarning, stacklevel=2)
            return None
        return stats, pool3

    def save(self, key: Any, stats: FIDStatistics, pool3: Any = None) -> str:
        """Store ``stats`` (and optionally the float32 ``(N, 2048)`` ``pool3`` features) for ``key``;
        returns the path."""
        path = self.path_for(key)
        extra = [] if stats.factor is None else [stats.factor]
        meta = {"key": key, "num_samples": stats.num_samples, "info": stats.meta,
                "stats_sha256": _digest(stats.mu, stats.sigma, *extra)}
        arrays = {"mu": stats.mu, "sigma": stats.sigma}
        if stats.factor is not None:
            arrays["factor"] = stats.factor
        if pool3 is not None:
            pool3 = np.ascontiguousarray(pool3, dtype=np.float32)
            meta["pool3_sha256"] = _digest(pool3)
            arrays["pool3"] = pool3
        with atomic_write(path, "wb") as f:
            np.savez(f, meta=np.array(json.dumps(meta, sort_keys=True)), **arrays)
        return path
