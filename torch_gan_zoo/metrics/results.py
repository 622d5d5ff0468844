"""What a metric returns: a float that also carries how it was computed."""

from __future__ import annotations

from typing import Any

__all__ = ["Score"]

_FIELDS = ("metric", "std", "num_real", "num_fake", "real_source", "fake_source", "protocol", "quantize",
           "weights_sha256", "seed", "fast", "precision", "details")


class Score(float):
    """A metric value that behaves as a ``float`` and records its protocol.

    FID is biased by the sample counts and differs between preprocessing protocols and weights,
    so every score carries them (pitfalls of the libraries we replace).

    Attributes:
        metric (str): ``'fid'``, ``'is'``, ``'kid'``, ``'precision'``, ``'recall'``, ``'density'`` or ``'coverage'``.
        std (float or None): Spread over IS splits / KID subsets.
        num_real, num_fake (int or None): Samples on each side.
        real_source, fake_source (str or None): What each side was (e.g. ``'dataset cifar10 (split=train)'``).
        protocol (str): Preprocessing protocol (``'tf1'``, ``'pytorch-fid'``, ``'clean-fid'``).
        quantize (bool): Float images were quantised to uint8 first.
        weights_sha256 (str): SHA-256 of the Inception weights file.
        seed (int): Seed of sampling, subset selection, IS splits and KID subsets.
        fast (bool): The batch-norm-folded, channels-last network was used.
        precision (str or None): Number format of the network (``'fp32'``, ``'bf16'``, ``'fp16'``).
        details (dict): Metric-specific settings (splits, subsets, nearest_k, class_label, per_class, ...).
    """

    def __new__(cls, value, metric, **meta):
        obj = super().__new__(cls, value)
        unknown = set(meta) - set(_FIELDS)
        if unknown:
            raise TypeError(f"unknown Score fields {sorted(unknown)}")
        obj.metric = metric
        for name in _FIELDS[1:]:
            setattr(obj, name, meta.get(name))
        obj.details = dict(obj.details or {})
        return obj

    @property
    def value(self) -> float:
        """The plain float value."""
        return float(self)

    def as_dict(self) -> dict[str, Any]:
        """``{'value': float, 'metric': ..., 'std': ..., ...}``: JSON-serialisable record of the score."""
        record = {"value": float(self)}
        for name in _FIELDS:
            value = getattr(self, name)
            record[name] = dict(value) if isinstance(value, dict) else value
        record["details"] = _plain(record["details"])
        return record

    def __reduce__(self):
        meta = {name: getattr(self, name) for name in _FIELDS[1:]}
        return (_rebuild, (float(self), self.metric, meta))

    def __repr__(self):
        parts = [f"{self.metric}={float(self)!r}"]
        if self.std is not None:
            parts.append(f"std={self.std:.6g}")
        for name in ("num_real", "num_fake", "protocol"):
            if getattr(self, name) is not None:
                parts.append(f"{name}={getattr(self, name)!r}")
        if self.weights_sha256:
            parts.append(f"weights={self.weights_sha256[:12]}")
        return f"Score({', '.join(parts)})"

    __str__ = float.__repr__


def _plain(value):
    if isinstance(value, Score):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _rebuild(value, metric, meta):
    return Score(value, metric, **meta)
