"""Evaluate a pretrained generator the way the zoo's registered numbers were measured.

``torch-gan-zoo eval`` and ``benchmarks/build_zoo_model.py`` both call :func:`evaluate_pretrained`,
so a registered FID is reproduced by one command from a fresh install.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import torch

from torch_gan_zoo.zoo.registry import FIDRecord

__all__ = ["evaluate_pretrained", "fid_record"]


def evaluate_pretrained(source, dataset, metrics: Sequence[str] = ("fid",), root: str | None = None,
                        split: str = "test", num_samples: int = 10000, num_real_samples: int | None = None,
                        resolution: int | None = None, seed: int = 0, device=None,
                        sha256: str | None = None, **options) -> dict[str, object]:
    """Metrics of a pretrained generator against a dataset (default: its test split).

    Args:
        source: A generator, or anything :func:`torch_gan_zoo.zoo.load` accepts.
        dataset: Reference dataset name (``'fashion_mnist'``), or any real input of
            :func:`torch_gan_zoo.metrics.compute_metrics`.
        metrics: Among ``'fid'``, ``'is'``, ``'kid'``, ``'prdc'``.
        root, split: Where the dataset is, and which split (``'test'``).
        num_samples: Generated images (10,000 for the zoo's numbers).
        num_real_samples: Reference images (default: all of the split).
        resolution: Size the reference images are brought to (default: the generator's).
        seed: Seeds the generated images.
        **options: Further options of :func:`~torch_gan_zoo.metrics.compute_metrics`
            (``inception_weights``, ``batch_size``, ``protocol``, ...).

    Returns:
        dict: metric name -> :class:`~torch_gan_zoo.metrics.Score` (float with its protocol).
    """
    from torch_gan_zoo.metrics import compute_metrics
    from torch_gan_zoo.zoo.loading import load

    netG = source if isinstance(source, torch.nn.Module) else load(source, device=device, sha256=sha256)
    if resolution is None:
        arch = (getattr(netG, "pretrained_config", None) or {}).get("architecture") or {}
        resolution = arch.get("resolution", getattr(netG, "resolution", None))
    return compute_metrics(dataset, netG, metrics=metrics, root=root, split=split, resolution=resolution,
                           num_fake_samples=num_samples, num_real_samples=num_real_samples, seed=seed,
                           device=device, **options)


def fid_record(score) -> FIDRecord:
    """A registry :class:`FIDRecord` from an FID :class:`~torch_gan_zoo.metrics.Score`, or from its
    :meth:`~torch_gan_zoo.metrics.Score.as_dict` record (as ``torch-gan-zoo eval --out`` writes it)."""
    fields = score.as_dict() if hasattr(score, "as_dict") else score
    if not isinstance(fields, Mapping) or fields.get("metric") != "fid":
        raise ValueError(f"fid_record needs an FID Score or its record, got {score!r}")
    return FIDRecord(value=round(float(fields["value"]), 4), num_fake=int(fields["num_fake"]),
                     num_real=int(fields["num_real"]), reference=str(fields["real_source"]),
                     protocol=str(fields["protocol"]), inception_sha256=str(fields["weights_sha256"]),
                     seed=int(fields["seed"]))
