"""Metrics computed while training: FID, IS, KID, PRDC of the generator every ``every`` steps.

Generated images are produced in chunks of ``batch_size`` whose latents (and classes) are seeded by
``(seed, chunk index)``. Under DDP, rank ``r`` generates and embeds chunks ``r, r + W, r + 2W, ...``;
the features are gathered on rank 0 in chunk order and the metrics computed there. The image set,
and so the number, is therefore the same whether one process or many evaluate (the test suite
checks it for 2 processes against 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
import torch.nn as nn

import contextlib
import json
import os

import torch

from torch_gan_zoo.config.validation import check_positive_int
from torch_gan_zoo.utils.io import atomic_write

if TYPE_CHECKING:
    from torch_gan_zoo.training.distributed import DistributedContext

__all__ = ["Evaluator", "EVALUATION_METRICS", "SELECTABLE"]

#: Metrics the evaluator can compute.
EVALUATION_METRICS = ("fid", "is", "kid", "prdc")

#: Result keys the best checkpoint can be selected by, each with ``'min'`` (lower is better) or ``'max'``,
#: and the metric that computes it.
SELECTABLE = {"fid": ("min", "fid"), "kid": ("min", "kid"), "is": ("max", "is"), "precision": ("max", "prdc"),
              "recall": ("max", "prdc"), "density": ("max", "prdc"), "coverage": ("max", "prdc")}
_DEFAULT_SELECT = {"fid": "fid", "is": "is", "kid": "kid", "prdc": "coverage"}


class Evaluator:
    """Evaluates the generator during training (pass it to ``Trainer(evaluator=...)``).

    Args:
        real: The reference images, any real input of :func:`torch_gan_zoo.metrics.compute_fid` (a
            dataset name with ``root``/``split`` options, a Dataset, a folder, an image tensor or a
            statistics file; a statistics file serves FID only).
        metrics (sequence of str): Among ``'fid'``, ``'is'``, ``'kid'``, ``'prdc'``.
        every (int): Evaluate every this many generator steps (and at the end of training).
        num_samples (int): Generated images per evaluation (10,000 is common during training).
        num_real_samples (int, optional): Reference images (default: all of them).
        batch_size (int): Images per generated chunk and per Inception batch.
        seed (int): Seeds the generated images: the same weights give the same score.
        use_ema (bool): Evaluate the Trainer's EMA generator when it has one.
        precision (str): Number format of the Inception network: ``'fp32'`` (default), ``'bf16'``
            or ``'fp16'`` (CUDA only); see :func:`torch_gan_zoo.metrics.compute_fid`.
        select (str, optional): The result the Trainer keeps its best checkpoint by (:data:`SELECTABLE`):
            ``'fid'`` or ``'kid'`` (lower is better), ``'is'``, or with ``'prdc'`` ``'precision'``,
            ``'recall'``, ``'density'``, ``'coverage'`` (higher is better). Default: the first metric
            (for ``'prdc'``, its ``'coverage'``). It must be computed by ``metrics``.
        **options: Metric options of :mod:`torch_gan_zoo.metrics` (``root``, ``split``,
            ``resolution``, ``inception_weights``, ``protocol``, ``splits``, ``subsets``,
            ``subset_size``, ``nearest_k``, ...).
    """

    def __init__(self, real: Any, metrics: str | Iterable[str] = ("fid",), every: int = 5000, num_samples: int = 10000,
                 num_real_samples: int | None = None, batch_size: int = 50, seed: int = 0, use_ema: bool = True,
                 precision: str = "fp32", select: str | None = None, **options: Any) -> None:
        metrics = (metrics,) if isinstance(metrics, str) else tuple(metrics)
        unknown = [m for m in metrics if m not in EVALUATION_METRICS]
        if unknown or not metrics:
            raise ValueError(f"unknown evaluation metric(s) {unknown}; choose from {EVALUATION_METRICS}")
        for name, value in (("every", every), ("num_samples", num_samples), ("batch_size", batch_size)):
            check_positive_int(name, value)
        check_positive_int("num_real_samples", num_real_samples, allow_none=True)
        if num_samples < 2:
            raise ValueError(f"num_samples must be >= 2, got {num_samples}")
        if select is None:
            select = _DEFAULT_SELECT[metrics[0]]
        if not isinstance(select, str) or SELECTABLE.get(select, (None, None))[1] not in metrics:
            choices = [k for k, (_, metric) in SELECTABLE.items() if metric in metrics]
            raise ValueError(f"select={select!r} is not a result of the evaluator's metrics {list(metrics)}; "
                             f"choose one of {choices}")
        self.real = real
        self.metrics = metrics
        self.every = every
        self.num_samples = num_samples
        self.num_real_samples = num_real_samples
        self.batch_size = batch_size
        self.seed = int(seed)
        self.use_ema = bool(use_ema)
        #: The result the best checkpoint is selected by, and whether ``'min'`` or ``'max'`` is better.
        self.select = select
        self.select_mode = SELECTABLE[select][0]
        metric_keys = ("splits", "subsets", "subset_size", "nearest_k")
        self.metric_args = {k: options.pop(k) for k in metric_keys if k in options}
        from torch_gan_zoo.metrics.weights import resolve_precision

        # the name is checked now; whether it suits the device (fp16 needs CUDA) when evaluating
        self.precision = resolve_precision(precision, "cuda")
        self.options = options
        self._real_stats = None
        self._real_features = None

    def check_ready(self) -> None:
        """Fail now rather than at the first evaluation, minutes or hours into a run: a given Inception
        weights file (``inception_weights=`` or ``TORCH_GAN_ZOO_INCEPTION_WEIGHTS``) must exist. The Trainer
        calls it before its first step. (The default weights are fetched at the first evaluation, as before,
        so a subclass that scores without Inception keeps working offline; if that fetch fails, the Trainer
        checkpoints the steps trained so far before the error propagates.)

        Raises:
            FileNotFoundError: A given weights file does not exist (the message names it).
        """
        from torch_gan_zoo.metrics.weights import ENV_WEIGHTS, resolve_weights_path

        if self.options.get("inception_weights") or os.environ.get(ENV_WEIGHTS):
            resolve_weights_path(self.options.get("inception_weights"))

    def check_device(self, device: str | torch.device) -> None:
        """Fail before the first step if the precision cannot run on ``device``, the one the Trainer evaluates
        on: ``'fp16'`` needs CUDA, ``'bf16'`` on a CPU needs native bf16
        (:func:`torch_gan_zoo.utils.cpu.cpu_bf16_is_native`). The Trainer calls it after :meth:`check_ready`.

        Raises:
            ValueError: The precision cannot run on ``device`` (the message says why).
        """
        from torch_gan_zoo.metrics.weights import resolve_precision

        resolve_precision(self.precision, device)

    def to_config(self) -> dict[str, Any]:
        """The evaluation settings as JSON values (recorded in ``hparams.json``)."""
        real = self.real if isinstance(self.real, (str, os.PathLike)) else type(self.real).__name__
        options = {k: (v if isinstance(v, (str, int, float, bool, type(None))) else repr(v))
                   for k, v in self.options.items()}
        return {"real": os.fspath(real) if isinstance(real, os.PathLike) else real, "metrics": list(self.metrics),
                "every": self.every, "num_samples": self.num_samples, "num_real_samples": self.num_real_samples,
                "batch_size": self.batch_size, "seed": self.seed, "use_ema": self.use_ema, "precision": self.precision,
                "select": self.select, "options": options, **self.metric_args}

    # ------------------------------------------------------------------ pieces
    def _metric_options(self, device):
        return dict(self.options, device=device, batch_size=self.batch_size, precision=self.precision)

    def _chunks(self):
        starts = range(0, self.num_samples, self.batch_size)
        return [(k, min(self.batch_size, self.num_samples - s)) for k, s in enumerate(starts)]

    @torch.inference_mode()
    def _generate_chunk(self, netG, index, size, device):
        fork = [device.index or 0] if device.type == "cuda" else []
        with torch.random.fork_rng(devices=fork):
            torch.manual_seed(self.seed * 1000003 + index)
            return netG.generate_images(size, device=device).float()

    def _fake_features(self, netG, dist, device, logits):
        from torch_gan_zoo.metrics import extract_features

        was_training = netG.training
        netG.eval()
        mine = {}
        try:
            with netG.bypass_wrapper() if hasattr(netG, "bypass_wrapper") else contextlib.nullcontext():
                for index, size in self._chunks():
                    if index % dist.world_size != dist.rank:
                        continue
                    images = self._generate_chunk(netG, index, size, device)
                    out = extract_features(images, logits=logits, **self._metric_options(device))
                    mine[index] = tuple(t.cpu() for t in out) if logits else (out.cpu(),)
        finally:
            netG.train(was_training)
        gathered = {}
        for part in dist.all_gather_object(mine):
            gathered.update(part)
        ordered = [gathered[k] for k in sorted(gathered)]
        pool3 = torch.cat([o[0] for o in ordered])
        return pool3, (torch.cat([o[1] for o in ordered]) if logits else None)

    def _real_side(self, device):
        from torch_gan_zoo.metrics import compute_statistics, extract_features

        needs_features = any(m in self.metrics for m in ("kid", "prdc"))
        opts = self._metric_options(device)
        if self.num_real_samples is not None:
            opts["num_samples"] = self.num_real_samples
        if "fid" in self.metrics and self._real_stats is None:
            self._real_stats = compute_statistics(self.real, **opts)
        if needs_features and self._real_features is None:
            self._real_features = extract_features(self.real, **opts).cpu()

    # ------------------------------------------------------------------ entry point
    def evaluate(self, netG: nn.Module, dist: DistributedContext, device: str | torch.device, *,
                 standing_stats: Mapping[str, int] | None = None) -> dict[str, Any]:
        """Compute the metrics of ``netG``; every process of ``dist`` must call it.

        Args:
            standing_stats: Settings (``num_batches``, ``batch_size``, ``seed``) to score a copy of ``netG``
                whose batch-norm statistics are re-estimated first (:func:`~torch_gan_zoo.training.ema.standing_stats`),
                as :func:`torch_gan_zoo.zoo.export_run` does before writing an EMA generator; ``netG`` itself is
                not changed. ``None``: score ``netG`` as it is. The Trainer passes them for its EMA generator.

        Returns:
            dict: ``{'fid': float, 'is': float, 'is_std': float, 'kid': float, 'kid_std': float,
            'precision': ..., 'recall': ..., 'density': ..., 'coverage': ...}`` (those requested), on
            every rank.
        """
        device = torch.device(device)
        # Evaluation must not change training: loading the reference images (a cache miss) draws from the
        # global RNG, so every draw here happens on a forked RNG state.
        with torch.random.fork_rng(devices=[device.index or 0] if device.type == "cuda" else []):
            return self._evaluate(netG, dist, device, standing_stats)

    def _evaluate(self, netG, dist, device, standing_stats):
        from torch_gan_zoo.metrics import StreamingMoments, fid_from_statistics, inception_score
        from torch_gan_zoo.metrics import kernel_inception_distance, prdc

        if standing_stats is not None:
            netG = _with_standing_stats(netG, standing_stats)
        pool3, logits = self._fake_features(netG, dist, device, logits="is" in self.metrics)
        results = {}
        if dist.is_main:
            self._real_side(device)
            if "fid" in self.metrics:
                moments = StreamingMoments(pool3.shape[1])
                moments.update(pool3)
                results["fid"] = float(fid_from_statistics(self._real_stats, moments.statistics()))
            if "is" in self.metrics:
                mean, std = inception_score(logits, splits=self.metric_args.get("splits", 10), seed=self.seed)
                results.update({"is": float(mean), "is_std": float(std)})
            if "kid" in self.metrics:
                size = min(self.metric_args.get("subset_size", 1000), pool3.shape[0], self._real_features.shape[0])
                mean, std = kernel_inception_distance(pool3, self._real_features, subsets=self.metric_args.get(
                    "subsets", 100), subset_size=size, seed=self.seed)
                results.update({"kid": float(mean), "kid_std": float(std)})
            if "prdc" in self.metrics:
                results.update(prdc(self._real_features, pool3, nearest_k=self.metric_args.get("nearest_k", 5)))
        return dist.all_gather_object(results)[0]

    def record(self, log_dir: str | os.PathLike[str], global_step: int, results: Mapping[str, Any]) -> str:
        """Append ``{'step', **results}`` as one JSON line to ``log_dir/metrics.jsonl`` (atomically)."""
        path = os.path.join(log_dir, "metrics.jsonl")
        previous = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
        with atomic_write(path, "w") as f:
            f.write(previous + json.dumps({"step": global_step, **results}, sort_keys=True) + "\n")
        return path


def _with_standing_stats(netG, settings):
    """A copy of ``netG`` (no call wrapper) with batch-norm statistics re-estimated with ``settings``."""
    import copy

    from torch_gan_zoo.training.ema import STANDING_STATS, standing_stats

    unknown = sorted(set(settings) - set(STANDING_STATS))
    if unknown:
        raise ValueError(f"unknown standing-statistics setting(s) {unknown}; use {sorted(STANDING_STATS)}")
    copied = copy.deepcopy(netG)
    if hasattr(copied, "set_call_wrapper"):
        copied.set_call_wrapper(None)
    return standing_stats(copied, **{**STANDING_STATS, **dict(settings)})
