"""The one-call metric functions: ``compute_fid``, ``compute_is``, ``compute_kid``, ``compute_prdc``,
``compute_metrics`` (all of them over one pass of feature extraction), ``compute_statistics`` and
``extract_features``.

Every function takes the same keyword options (:data:`OPTIONS` lists them with their defaults):

``num_samples``, ``num_real_samples``, ``num_fake_samples``
    Images per side. Generators default to 50,000; finite inputs to all their images (a smaller
    count selects a random subset fixed by ``seed``).
``root``, ``split`` (``'train'``), ``resolution``, ``download``, ``dataset_kwargs``
    For dataset names, passed to :func:`torch_gan_zoo.datasets.load_dataset`.
``class_label``
    A conditional generator samples only this class, and a labelled real input (a Dataset or a
    dataset name) is restricted to it.
``per_class`` (FID only)
    Intra-class FID: the mean over classes of FID(real images of class k, generated images of
    class k); the per-class scores are in ``score.details['per_class']``.
``nz``
    Latent size for a plain callable generator (else its ``nz`` attribute).
``batch_size`` (50), ``device`` (CUDA if available), ``num_workers`` (0)
    Images per network call, where the network runs, DataLoader workers for datasets and folders.
``seed`` (0)
    Seeds generator sampling, subset selection, IS splits and KID subsets: the same seed gives the
    same number. ``None`` draws one, which is recorded in the score.
``protocol`` (``'tf1'``), ``quantize`` (True), ``fast`` (True), ``inception_weights``
    Preprocessing protocol (:mod:`~torch_gan_zoo.metrics.preprocess`), uint8 quantisation of float
    images, batch-norm folding + channels-last, and the weights file (:mod:`~torch_gan_zoo.metrics.weights`).
``precision`` (``'fp32'``)
    Number format of the Inception network: ``'fp32'`` (agrees with pytorch-fid / torch-fidelity to
    ~1e-6), ``'bf16'`` (autocast, CPU or CUDA: faster where the CPU has bf16 instructions, but it
    moved FID by 0.9 % on 400 vs. 400 real Fashion-MNIST images: not for reported numbers, see
    ``docs/evaluating.rst``) or ``'fp16'`` (CUDA only). Recorded in every score
    (``score.precision``) and part of the statistics-cache key.
``cache`` (True), ``cache_dir``
    Cache statistics of dataset names and folders on disk (:mod:`~torch_gan_zoo.metrics.stats_cache`).
``log_dir``
    If given, each score is appended (with its metadata) to ``log_dir/metrics/<metric>.json``.
``progress`` (False; ``verbose`` is an alias)
    Show progress bars.
``netG``, ``dataset``
    Aliases of ``fake`` and ``real`` (Mimicry's keyword form:
    ``compute_fid(num_real_samples=10000, num_fake_samples=10000, netG=netG, dataset='cifar10',
    device=device, log_dir=...)``).
"""
from __future__ import annotations

import dataclasses
import json
import os
import secrets
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import torch

from torch_gan_zoo.config.validation import check_non_negative_int
from torch_gan_zoo.metrics.features import run_extraction
from torch_gan_zoo.metrics.fid import FIDStatistics, fid_from_statistics
from torch_gan_zoo.metrics.inception_score import inception_score
from torch_gan_zoo.metrics.inputs import StatsFileSource, is_conditional, make_source
from torch_gan_zoo.metrics.kid import kernel_inception_distance
from torch_gan_zoo.metrics.prdc import prdc
from torch_gan_zoo.metrics.preprocess import resolve_protocol
from torch_gan_zoo.metrics.results import Score
from torch_gan_zoo.metrics.stats_cache import StatsCache, make_cache_key
from torch_gan_zoo.metrics.weights import get_inception, resolve_precision
from torch_gan_zoo.utils.io import atomic_write_json

__all__ = ["compute_fid", "compute_is", "compute_kid", "compute_prdc", "compute_metrics", "compute_statistics",
           "extract_features", "OPTIONS", "METRICS", "MetricSpec", "METRIC_SPECS"]

PRDC_KEYS = ("precision", "recall", "density", "coverage")


@dataclasses.dataclass
class _Options:
    netG: object = None
    dataset: object = None
    num_samples: object = None
    num_real_samples: object = None
    num_fake_samples: object = None
    root: object = None
    split: str = "train"
    resolution: object = None
    download: bool = False
    dataset_kwargs: object = None
    class_label: object = None
    per_class: bool = False
    nz: object = None
    batch_size: int = 50
    device: object = None
    num_workers: int = 0
    seed: object = 0
    protocol: str = "tf1"
    quantize: bool = True
    fast: bool = True
    precision: str = "fp32"
    inception_weights: object = None
    cache: bool = True
    cache_dir: object = None
    log_dir: object = None
    progress: bool = False
    verbose: object = None


#: The shared keyword options and their defaults.
OPTIONS = {f.name: f.default for f in dataclasses.fields(_Options)}


def _parse_options(options, func):
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise TypeError(f"{func}() got unexpected keyword arguments {unknown}; the options are {sorted(OPTIONS)}")
    opts = _Options(**options)
    opts.protocol = resolve_protocol(opts.protocol)
    if opts.verbose is not None:
        opts.progress = bool(opts.verbose)
    if opts.seed is None:
        opts.seed = secrets.randbits(31)
    else:
        check_non_negative_int("seed", opts.seed, allow_none=True)
    if opts.device is None:
        opts.device = "cuda" if torch.cuda.is_available() else "cpu"
    opts.device = torch.device(opts.device)
    opts.precision = resolve_precision(opts.precision, opts.device)
    return opts


def _sides(real, fake, opts):
    if real is not None and opts.dataset is not None:
        raise ValueError("give the real images either as real= or as dataset=, not both")
    if fake is not None and opts.netG is not None:
        raise ValueError("give the generated images either as fake= or as netG=, not both")
    return (real if real is not None else opts.dataset), (fake if fake is not None else opts.netG)


def _check_input_type(obj, role):
    if isinstance(obj, (int, float)) and not isinstance(obj, bool):
        raise TypeError(f"the {role} input is a number ({obj!r}); sample counts are keywords: "
                        f"compute_fid(num_real_samples=..., num_fake_samples=..., netG=..., dataset=...)")


def _is_labelled(obj):
    from torch.utils.data import Dataset

    if isinstance(obj, Dataset) or is_conditional(obj):
        return True
    return isinstance(obj, (str, os.PathLike)) and not os.path.exists(os.fspath(obj))


def _source(obj, role, opts, num_samples, class_label=None):
    _check_input_type(obj, role)
    return make_source(obj, num_samples=num_samples, seed=opts.seed, device=opts.device, class_label=class_label,
                       nz=opts.nz, root=opts.root, split=opts.split, resolution=opts.resolution,
                       download=opts.download, dataset_kwargs=opts.dataset_kwargs, num_workers=opts.num_workers,
                       role=role)


class _Side:
    """Features of one side: FID statistics always, pool3 / logits when asked for."""

    def __init__(self, source, stats, pool3=None, logits=None):
        self.description = source.description
        self.stats = stats
        self.count = stats.num_samples
        self.pool3 = pool3
        self.logits = logits


def _side_features(source, handle, opts, pool3=False, logits=False):
    if isinstance(source, StatsFileSource):
        if pool3 or logits:
            raise ValueError(f"{source.description} holds only FID statistics (mean and covariance); KID, PRDC and "
                             f"IS need the images themselves")
        return _Side(source, source.stats)
    key = cache = None
    if opts.cache and source.cache_identity is not None and not logits:
        key = make_cache_key(source.cache_identity, protocol=opts.protocol, quantize=opts.quantize,
                             weights_sha256=handle.sha256, fast=bool(opts.fast), precision=handle.precision)
        cache = StatsCache(opts.cache_dir)
        hit = cache.load(key, need_pool3=pool3)
        if hit is not None:
            stats, feats = hit
            return _Side(source, stats, None if feats is None else torch.from_numpy(feats))
    ex = run_extraction(source, handle, protocol=opts.protocol, quantize=opts.quantize, batch_size=opts.batch_size,
                        moments=True, keep_pool3=pool3, keep_logits=logits, progress=opts.progress)
    stats = ex.moments.statistics(meta={"source": source.description, "protocol": opts.protocol,
                                        "quantize": bool(opts.quantize), "weights_sha256": handle.sha256,
                                        "fast": bool(opts.fast), "precision": handle.precision})
    if key is not None:
        cache.save(key, stats, None if ex.pool3 is None else ex.pool3.numpy())
    return _Side(source, stats, ex.pool3, ex.logits)


def _meta(opts, handle, real, fake, **details):
    return {
        "num_real": None if real is None else real.count,
        "num_fake": None if fake is None else fake.count,
        "real_source": None if real is None else real.description,
        "fake_source": None if fake is None else fake.description,
        "protocol": opts.protocol,
        "quantize": bool(opts.quantize),
        "weights_sha256": handle.sha256,
        "seed": opts.seed,
        "fast": bool(opts.fast),
        "precision": handle.precision,
        "details": {k: v for k, v in details.items() if v is not None},
    }


def _record(log_dir, scores):
    """Append each score's record to ``log_dir/metrics/<metric>.json`` (a JSON list, rewritten atomically)."""
    for score in scores:
        path = os.path.join(os.fspath(log_dir), "metrics", f"{score.metric}.json")
        records = []
        if os.path.isfile(path):
            try:
                with open(path, encoding="utf-8") as f:
                    records = json.load(f)
                if not isinstance(records, list):
                    raise ValueError("not a JSON list")
            except (OSError, ValueError) as exc:
                warnings.warn(f"{path} is unreadable ({exc}); starting a new record file", RuntimeWarning,
                              stacklevel=3)
                records = []
        records.append(dict(score.as_dict(), time=time.strftime("%Y-%m-%dT%H:%M:%S%z")))
        atomic_write_json(path, records)


def _handle(opts):
    return get_inception(opts.inception_weights, opts.device, fast=opts.fast, progress=opts.progress,
                         precision=opts.precision)


def _fid(real, fake, opts, handle, args):
    value = fid_from_statistics(real.stats, fake.stats)
    return {"fid": Score(value, "fid", **_meta(opts, handle, real, fake, class_label=opts.class_label))}


def _is(real, fake, opts, handle, args):
    splits = args["splits"]
    mean, std = inception_score(fake.logits, splits=splits, seed=opts.seed)
    return {"is": Score(mean, "is", std=std, **_meta(opts, handle, None, fake, splits=splits,
                                                      class_label=opts.class_label))}


def _kid(real, fake, opts, handle, args):
    subsets, subset_size = args["subsets"], args["subset_size"]
    mean, std = kernel_inception_distance(fake.pool3, real.pool3, subsets=subsets, subset_size=subset_size,
                                          seed=opts.seed)
    return {"kid": Score(mean, "kid", std=std, **_meta(opts, handle, real, fake, subsets=subsets,
                                                        subset_size=subset_size, class_label=opts.class_label))}


def _prdc(real, fake, opts, handle, args):
    nearest_k = args["nearest_k"]
    values = prdc(real.pool3, fake.pool3, nearest_k=nearest_k)
    meta = _meta(opts, handle, real, fake, nearest_k=nearest_k, class_label=opts.class_label)
    return {name: Score(values[name], name, **meta) for name in PRDC_KEYS}


@dataclasses.dataclass(frozen=True)
class MetricSpec:
    """How one metric is computed from the features of the two sides.

    Attributes:
        name (str): The metric's name in ``compute_metrics(metrics=...)``.
        needs_real (bool): Whether it compares with real images (IS does not).
        features (str): What it needs of each side: ``'moments'`` (FID mean and covariance),
            ``'pool3'`` (all pool3 features) or ``'logits'`` (classifier logits of the generated side).
        compute (callable): ``(real_side, fake_side, opts, handle, args) -> {result name: Score}``.
        results (tuple of str): The names of the scores it returns.
    """

    name: str
    needs_real: bool
    features: str
    compute: Callable[..., dict[str, Score]]
    results: tuple[str, ...]


#: The metrics, by name: ``compute_metrics`` looks each requested name up here.
METRIC_SPECS: dict[str, MetricSpec] = {
    "fid": MetricSpec("fid", True, "moments", _fid, ("fid",)),
    "is": MetricSpec("is", False, "logits", _is, ("is",)),
    "kid": MetricSpec("kid", True, "pool3", _kid, ("kid",)),
    "prdc": MetricSpec("prdc", True, "pool3", _prdc, PRDC_KEYS),
}
METRICS = tuple(METRIC_SPECS)
_METRIC_ALIASES = {"inception_score": "is", "isc": "is", "precision_recall": "prdc"}


def _normalise_metrics(metrics):
    if isinstance(metrics, str):
        metrics = [metrics]
    names = []
    for m in metrics:
        key = str(m).lower().replace("-", "_")
        key = _METRIC_ALIASES.get(key, key)
        if key not in METRIC_SPECS:
            raise ValueError(f"unknown metric {m!r}; choose from {', '.join(METRIC_SPECS)}")
        if key not in names:
            names.append(key)
    if not names:
        raise ValueError("no metric was requested")
    return names


def _evaluate(real, fake, metrics, opts, splits=10, subsets=100, subset_size=1000, nearest_k=5):
    handle = _handle(opts)
    specs = [METRIC_SPECS[m] for m in metrics]
    if any(spec.features == "logits" for spec in specs) and not handle.has_logits:
        raise ValueError(f"the Inception Score needs the classifier logits, but the Inception weights {handle.path} "
                         f"have none ({handle.kind} without an fc layer); they serve FID, KID and PRDC only")
    if opts.per_class:
        if metrics != ["fid"]:
            raise ValueError("per_class=True (intra-class FID) is supported for FID only")
        return {"fid": _intra_class_fid(real, fake, opts, handle)}
    if fake is None:
        raise ValueError("no generated images were given (fake= or netG=)")
    needs_real = [spec.name for spec in specs if spec.needs_real]
    if needs_real and real is None:
        raise ValueError(f"{', '.join(needs_real)} need real images (real= or dataset=)")
    n_fake = opts.num_fake_samples if opts.num_fake_samples is not None else opts.num_samples
    n_real = opts.num_real_samples if opts.num_real_samples is not None else opts.num_samples
    keep_pool3 = any(spec.features == "pool3" for spec in specs)
    fake_src = _source(fake, "fake", opts, n_fake, opts.class_label)
    real_src = None
    if needs_real:
        real_src = _source(real, "real", opts, n_real, opts.class_label if _is_labelled(real) else None)
    fake_side = _side_features(fake_src, handle, opts, pool3=keep_pool3,
                               logits=any(spec.features == "logits" for spec in specs))
    real_side = _side_features(real_src, handle, opts, pool3=keep_pool3) if real_src is not None else None

    args = {"splits": splits, "subsets": subsets, "subset_size": subset_size, "nearest_k": nearest_k}
    results = {}
    for spec in specs:
        results.update(spec.compute(real_side, fake_side, opts, handle, args))
    if opts.log_dir is not None:
        _record(opts.log_dir, results.values())
    return results


def _intra_class_fid(real, fake, opts, handle):
    if not is_conditional(fake):
        raise ValueError("per_class=True (intra-class FID) needs a conditional generator: generate_images(num_images, "
                         "c=None, device=None) and an int attribute num_classes")
    if real is None or not _is_labelled(real):
        raise ValueError("per_class=True (intra-class FID) needs labelled real images: a Dataset of (image, label) "
                         "items or a dataset name")
    per_class = {}
    sides = []
    for k in range(fake.num_classes):
        real_src = _source(real, "real", opts, opts.num_real_samples, k)
        n_fake = opts.num_fake_samples or opts.num_samples or real_src.num_samples
        fake_src = _source(fake, "fake", opts, n_fake, k)
        real_side = _side_features(real_src, handle, opts)
        fake_side = _side_features(fake_src, handle, opts)
        value = fid_from_statistics(real_side.stats, fake_side.stats)
        per_class[k] = Score(value, "fid", **_meta(opts, handle, real_side, fake_side, class_label=k))
        sides.append((real_side.count, fake_side.count))
    mean = sum(per_class.values()) / len(per_class)
    score = Score(mean, "fid", **dict(
        _meta(opts, handle, None, None, per_class=per_class, num_classes=fake.num_classes),
        num_real=sum(r for r, _ in sides), num_fake=sum(f for _, f in sides),
        real_source=f"{per_class[0].real_source} (all classes)",
        fake_source=f"{per_class[0].fake_source} (all classes)"))
    if opts.log_dir is not None:
        _record(opts.log_dir, [score])
    return score


ImageInput = Any  # a dataset name, Dataset, DataLoader, folder, image tensor, statistics file or generator


def compute_fid(real: ImageInput = None, fake: ImageInput = None, *, precision: str = "fp32", **options: Any) -> Score:
    """Fréchet Inception Distance between real and generated images.

    Args:
        real: Reference images: a dataset name, Dataset, DataLoader, folder, image tensor (float in
            ``[-1, 1]`` or uint8, ``(N, C, H, W)``), ``.npz`` statistics file, or a generator.
        fake: Generated images: a generator (``generate_images``) or callable ``z -> images``, or
            any of the inputs above.
        precision (str): ``'fp32'`` (default), ``'bf16'`` or ``'fp16'`` (CUDA): the Inception
            network's number format, recorded in ``score.precision``.
        **options: See :data:`OPTIONS` and the module docstring (``num_samples``, ``seed``,
            ``device``, ``protocol``, ``inception_weights``, ``per_class``, ...).

    Returns:
        Score: a float (lower is better) carrying sample counts, protocol, precision and weights hash.
    """
    opts = _parse_options(dict(options, precision=precision), "compute_fid")
    real, fake = _sides(real, fake, opts)
    return _evaluate(real, fake, ["fid"], opts)["fid"]


def compute_is(fake: ImageInput = None, splits: int = 10, *, precision: str = "fp32", **options: Any) -> Score:
    """Inception Score of generated (or any) images.

    Args:
        fake: The images (same kinds as :func:`compute_fid`, except statistics files).
        splits (int): Disjoint parts the samples are split into (10 in the literature).
        precision (str): Number format of the network (see :func:`compute_fid`).
        **options: See :data:`OPTIONS`.

    Returns:
        Score: the mean over splits (higher is better), with ``.std`` the spread over splits.
    """
    opts = _parse_options(dict(options, precision=precision), "compute_is")
    _, fake = _sides(None, fake, opts)
    return _evaluate(None, fake, ["is"], opts, splits=splits)["is"]


def compute_kid(real: ImageInput = None, fake: ImageInput = None, subsets: int = 100, subset_size: int = 1000, *,
                precision: str = "fp32", **options: Any) -> Score:
    """Kernel Inception Distance: unbiased cubic-polynomial-kernel MMD^2 over ``subsets`` x ``subset_size``.

    Returns:
        Score: the mean over subsets (lower is better), with ``.std`` their standard deviation.
    """
    opts = _parse_options(dict(options, precision=precision), "compute_kid")
    real, fake = _sides(real, fake, opts)
    return _evaluate(real, fake, ["kid"], opts, subsets=subsets, subset_size=subset_size)["kid"]


def compute_prdc(real: ImageInput = None, fake: ImageInput = None, nearest_k: int = 5, *, precision: str = "fp32",
                 **options: Any) -> dict[str, Score]:
    """Precision, recall, density and coverage with ``nearest_k``-NN balls in pool3 feature space.

    Returns:
        dict: ``{'precision': Score, 'recall': Score, 'density': Score, 'coverage': Score}``.
    """
    opts = _parse_options(dict(options, precision=precision), "compute_prdc")
    real, fake = _sides(real, fake, opts)
    return _evaluate(real, fake, ["prdc"], opts, nearest_k=nearest_k)


def compute_metrics(real: ImageInput = None, fake: ImageInput = None, metrics: str | Sequence[str] = METRICS,
                    splits: int = 10, subsets: int = 100, subset_size: int = 1000, nearest_k: int = 5, *,
                    precision: str = "fp32", **options: Any) -> dict[str, Score]:
    """Several metrics over one pass of feature extraction per side.

    Args:
        metrics: Any of ``'fid'``, ``'is'`` (on ``fake``), ``'kid'``, ``'prdc'`` (the keys of
            :data:`METRIC_SPECS`).
        splits, subsets, subset_size, nearest_k: As in :func:`compute_is`, :func:`compute_kid`,
            :func:`compute_prdc`.

    Returns:
        dict: ``'fid'``, ``'is'``, ``'kid'``, ``'precision'``, ``'recall'``, ``'density'``,
        ``'coverage'`` (those requested) -> :class:`Score`.
    """
    opts = _parse_options(dict(options, precision=precision), "compute_metrics")
    real, fake = _sides(real, fake, opts)
    return _evaluate(real, fake, _normalise_metrics(metrics), opts, splits=splits, subsets=subsets,
                     subset_size=subset_size, nearest_k=nearest_k)


def compute_statistics(images: ImageInput, path: str | os.PathLike | None = None, *,
                       precision: str = "fp32", **options: Any) -> FIDStatistics:
    """FID statistics (pool3 mean and covariance) of any image input, optionally saved to ``path``.

    The saved ``.npz`` (``mu``, ``sigma``, ``meta``) can be passed as ``real=`` to :func:`compute_fid`
    and is readable by pytorch-fid.

    Returns:
        FIDStatistics
    """
    opts = _parse_options(dict(options, precision=precision), "compute_statistics")
    handle = _handle(opts)
    stats = _side_features(_source(images, "input", opts, opts.num_samples, opts.class_label), handle, opts).stats
    if path is not None:
        stats.save(path)
    return stats


def extract_features(images: ImageInput, logits: bool = False, *, precision: str = "fp32",
                     **options: Any) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """Inception pool3 features (and optionally the bias-free logits) of any image input.

    Returns:
        Tensor: float32 ``(N, 2048)`` on the CPU, or ``(pool3, logits)`` with logits ``(N, 1008)``.
    """
    opts = _parse_options(dict(options, precision=precision), "extract_features")
    handle = _handle(opts)
    source = _source(images, "input", opts, opts.num_samples, opts.class_label)
    if isinstance(source, StatsFileSource):
        raise ValueError(f"{source.description} holds only FID statistics, not images")
    ex = run_extraction(source, handle, protocol=opts.protocol, quantize=opts.quantize, batch_size=opts.batch_size,
                        moments=False, keep_pool3=True, keep_logits=logits, progress=opts.progress)
    return (ex.pool3, ex.logits) if logits else ex.pool3
