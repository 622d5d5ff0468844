"""``torch_mimicry.metrics.compute_kid``: :func:`kid_score` on :func:`torch_gan_zoo.metrics.compute_kid`.

With ``feat_file``, the real images' Inception pool3 features are cached in that ``.npz`` file
(array ``feat``, float32 ``(num_samples, 2048)``, as in Mimicry, plus ``num_samples``, ``protocol``,
``quantize`` and ``weights_sha256`` recording how they were computed), written atomically; an
existing file is reused when it matches and refused with a ``ValueError`` when it clearly does not.
"""
import io
import os
import warnings

import numpy as np
import torch

from torch_gan_zoo.metrics import api
from torch_gan_zoo.metrics.kid import kernel_inception_distance
from torch_gan_zoo.metrics.preprocess import resolve_protocol
from torch_gan_zoo.metrics.results import Score
from torch_gan_zoo.metrics.weights import get_inception
from torch_gan_zoo.mimicry.metrics import _options
from torch_gan_zoo.utils.io import atomic_write_bytes

__all__ = ["kid_score"]


def kid_score(num_samples, netG, dataset, seed=0, device=None, num_subsets=10, batch_size=50, verbose=True,
              feat_file=None, log_dir="./log"):
    """KID between ``num_samples`` real and generated images, averaged over ``num_subsets`` subsets of
    ``min(1000, num_samples)`` samples (below 1,000 samples the subsets shrink, as in Mimicry).

    Args:
        dataset: A Mimicry dataset name, a ``Dataset`` (items: images ``(3, H, W)`` in [-1, 1] or
            ``(image, label)`` pairs) or any real input of :func:`torch_gan_zoo.metrics.compute_kid`.
        feat_file (str, optional): ``.npz`` cache of the real features (``.npz`` is appended if
            missing, as in Mimicry): read if it exists, else computed and written there atomically.
        log_dir (str): Unused (this library keeps its own cache, keyed by content and settings).

    Returns:
        tuple: ``(mean, std)``; ``mean`` is a :class:`~torch_gan_zoo.metrics.Score` with its protocol.
    """
    return _kid(num_samples, netG, dataset, seed, device, num_subsets, min(1000, num_samples), batch_size,
                verbose, feat_file)


def _kid(num_samples, netG, dataset, seed, device, num_subsets, subset_size, batch_size, verbose, feat_file):
    opts = _options.options(device=device, batch_size=batch_size, verbose=verbose, seed=seed, metric="kid")
    real = _options.real_source(dataset)
    if feat_file is None:
        score = api.compute_kid(real, netG, subsets=num_subsets, subset_size=subset_size, num_samples=num_samples,
                                **opts)
        return score, float(getattr(score, "std", 0.0) or 0.0)
    feat_file = os.fspath(feat_file)
    if not feat_file.endswith(".npz"):
        feat_file += ".npz"
    dev = torch.device(opts.get("device") or ("cuda" if torch.cuda.is_available() else "cpu"))
    handle = get_inception(opts.get("inception_weights"), dev, fast=opts.get("fast", api.OPTIONS["fast"]),
                           progress=opts["progress"], precision=opts.get("precision", api.OPTIONS["precision"]))
    protocol = resolve_protocol(opts.get("protocol", api.OPTIONS["protocol"]))
    record = {"num_samples": int(num_samples), "protocol": protocol,
              "quantize": bool(opts.get("quantize", api.OPTIONS["quantize"])), "weights_sha256": handle.sha256}
    if os.path.exists(feat_file):
        real_feat = _read_features(feat_file, record)
    else:
        real_feat = api.extract_features(real, num_samples=num_samples, **opts).float().cpu()
        _write_features(feat_file, real_feat, record)
    fake_feat = api.extract_features(netG, num_samples=num_samples, **opts)
    mean, std = kernel_inception_distance(fake_feat, real_feat, subsets=num_subsets, subset_size=subset_size,
                                          seed=seed)
    score = Score(mean, "kid", std=std, num_real=int(real_feat.shape[0]), num_fake=int(fake_feat.shape[0]),
                  real_source=f"features file {feat_file}", fake_source=f"generator {type(netG).__name__}",
                  protocol=record["protocol"], quantize=record["quantize"], weights_sha256=handle.sha256, seed=seed,
                  fast=bool(opts.get("fast", api.OPTIONS["fast"])), precision=handle.precision,
                  details={"subsets": num_subsets, "subset_size": subset_size})
    return score, float(std)


def _write_features(path, feat, record):
    buf = io.BytesIO()
    np.savez(buf, feat=feat.numpy().astype(np.float32), **{k: np.asarray(v) for k, v in record.items()})
    atomic_write_bytes(path, buf.getvalue())


def _read_features(path, record):
    """The ``feat`` array of ``path`` as a float32 tensor, after checking it matches ``record``."""
    try:
        with np.load(path, allow_pickle=False) as f:
            contents = {k: f[k] for k in f.files}
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same clear message
        raise ValueError(f"feat_file {path} is not a readable .npz file ({exc}); delete it to recompute") from exc
    if "feat" not in contents:
        raise ValueError(f"feat_file {path} has no 'feat' array (it holds {sorted(contents)}); it is not a "
                         f"features file (FID statistics go to stats_file)")
    feat = contents["feat"]
    if feat.ndim != 2 or not np.issubdtype(feat.dtype, np.floating):
        raise ValueError(f"feat_file {path}: 'feat' must be a float (N, D) array, got {feat.dtype} {feat.shape}")
    if feat.shape[0] != record["num_samples"]:
        raise ValueError(f"feat_file {path} holds features of {feat.shape[0]} images but num_samples="
                         f"{record['num_samples']}; use another file or delete it to recompute")
    if not np.isfinite(feat).all():
        raise ValueError(f"feat_file {path} contains NaN or infinite features; delete it to recompute")
    missing = [k for k in record if k not in contents]
    if missing:
        warnings.warn(f"feat_file {path} does not record {missing} (a torch-mimicry file?): its features are used "
                      f"as they are, but how they were computed cannot be checked", RuntimeWarning, stacklevel=4)
    for key, want in record.items():
        if key in contents and key != "num_samples" and contents[key].item() != want:
            raise ValueError(f"feat_file {path} was computed with {key}={contents[key].item()!r}, but this run "
                             f"uses {key}={want!r}; use another file or delete it to recompute")
    return torch.from_numpy(feat.astype(np.float32))
