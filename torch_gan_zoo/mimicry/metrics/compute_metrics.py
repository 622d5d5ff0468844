"""``torch_mimicry.metrics.compute_metrics``: :func:`evaluate` a run's generator checkpoints.

Scores go to Mimicry's JSON files in ``log_dir`` (``fid_<R>k_<F>k.json``, ``kid_<N>k.json``,
``inception_score_<N>k.json``: ``{step: [score per seed]}``), and each score's protocol (sample
counts, image mapping, resize, Inception weights hash) to ``<same name>_protocol.json`` beside it.
"""
import os

import numpy as np

from torch_gan_zoo.mimicry.metrics import compute_fid, compute_is, compute_kid
from torch_gan_zoo.mimicry.utils import common

__all__ = ["evaluate"]

_NAMES = {"fid": "FID", "inception_score": "Inception Score", "kid": "KID"}


def _output_file(metric, log_dir, kwargs):
    if metric == "kid":
        if "num_samples" not in kwargs:
            raise ValueError("num_samples must be provided for KID computation.")
        return os.path.join(log_dir, f"kid_{kwargs['num_samples'] // 1000}k.json")
    if metric == "fid":
        if "num_real_samples" not in kwargs or "num_fake_samples" not in kwargs:
            raise ValueError("num_real_samples and num_fake_samples must be provided for FID computation.")
        real, fake = kwargs["num_real_samples"] // 1000, kwargs["num_fake_samples"] // 1000
        return os.path.join(log_dir, f"fid_{real}k_{fake}k.json")
    if metric == "inception_score":
        if "num_samples" not in kwargs:
            raise ValueError("num_samples must be provided for IS computation.")
        return os.path.join(log_dir, f"inception_score_{kwargs['num_samples'] // 1000}k.json")
    raise ValueError(f"Invalid metric {metric} selected. Choose from {sorted(_NAMES)}.")


def _legacy_keywords(metric, kwargs):
    """Keywords of Mimicry's published examples that its last release no longer takes: ``dataset_name``
    (now ``dataset``) and, for KID, ``num_subsets`` with ``subset_size`` (``num_samples`` is then
    ``num_subsets * subset_size`` and each subset has ``subset_size`` samples)."""
    kwargs = dict(kwargs)
    if "dataset_name" in kwargs:
        if "dataset" in kwargs:
            raise ValueError("give the real images either as dataset= or as dataset_name=, not both")
        kwargs["dataset"] = kwargs.pop("dataset_name")
    if "subset_size" in kwargs:
        if metric != "kid":
            raise ValueError(f"subset_size is a KID argument, not one of {metric!r}")
        size = kwargs["subset_size"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 2:
            raise ValueError(f"subset_size must be an int >= 2, got {size!r}")
        kwargs.setdefault("num_samples", kwargs.get("num_subsets", 10) * size)
        if kwargs["num_samples"] < size:
            raise ValueError(f"num_samples={kwargs['num_samples']} is below subset_size={size}")
    return kwargs


def _kid_by_subsets(netG, seed, device, num_samples, dataset, subset_size, num_subsets=10, batch_size=50,
                    verbose=True, feat_file=None):
    """KID with exactly ``subset_size`` samples per subset (Mimicry's older ``evaluate`` keywords)."""
    return compute_kid._kid(num_samples, netG, dataset, seed, device, num_subsets, subset_size, batch_size, verbose,
                            feat_file)


def _load(path):
    return {int(k): v for k, v in common.load_from_json(path).items()} if os.path.exists(path) else {}


def evaluate(metric, netG, log_dir, evaluate_range=None, evaluate_step=None, num_runs=3, start_seed=0,
             overwrite=False, write_to_json=True, device=None, **kwargs):
    """Evaluate ``metric`` (``'fid'``, ``'kid'`` or ``'inception_score'``) for the checkpoints
    ``log_dir/checkpoints/netG/netG_<step>_steps.pth`` of ``evaluate_step`` or of the steps in
    ``evaluate_range`` (start, end, step), ``num_runs`` times with seeds from ``start_seed``.

    ``kwargs`` go to :func:`fid_score` / :func:`kid_score` / :func:`inception_score` (``dataset``,
    ``num_real_samples``, ``num_fake_samples``, ``num_samples``, ``stats_file``, ``feat_file``, ...).
    The keywords of Mimicry's older examples are accepted too: ``dataset_name`` for ``dataset``, and
    for KID ``num_subsets`` with ``subset_size`` (``num_samples`` defaults to their product).

    Returns:
        dict: ``{step: [score per seed]}`` (already computed steps are skipped unless ``overwrite``).
    """
    if (evaluate_range and evaluate_step) or not (evaluate_step or evaluate_range):
        raise ValueError("Only one of evaluate_step or evaluate_range can be defined.")
    if evaluate_range and (not isinstance(evaluate_range, tuple) or len(evaluate_range) != 3
                           or not all(isinstance(x, int) for x in evaluate_range)):
        raise ValueError("evaluate_range must be a tuple of ints (start, end, step).")
    kwargs = _legacy_keywords(metric, kwargs)
    output_file = _output_file(metric, log_dir, kwargs)
    protocol_file = output_file[: -len(".json")] + "_protocol.json"
    ckpt_dir = os.path.join(log_dir, "checkpoints", "netG")
    if not os.path.isdir(ckpt_dir):
        raise ValueError(f"Checkpoint directory {ckpt_dir} cannot be found in log_dir.")
    scores_dict, protocols = _load(output_file), _load(protocol_file)
    start, end, interval = evaluate_range or (evaluate_step, evaluate_step, evaluate_step)
    for step in range(start, end + 1, interval):
        if step in scores_dict and write_to_json and not overwrite:
            print(f"INFO: {_NAMES[metric]} at step {step} has been computed. Skipping...")
            continue
        ckpt_file = os.path.join(ckpt_dir, f"netG_{step}_steps.pth")
        if not os.path.exists(ckpt_file):
            print(f"INFO: Checkpoint at step {step} does not exist. Skipping...")
            continue
        netG.restore_checkpoint(ckpt_file=ckpt_file, optimizer=None)
        scores, records = [], []
        for seed in range(start_seed, start_seed + num_runs):
            if metric == "fid":
                score = compute_fid.fid_score(netG=netG, seed=seed, device=device, log_dir=log_dir, **kwargs)
            elif metric == "inception_score":
                score, _ = compute_is.inception_score(netG=netG, seed=seed, device=device, log_dir=log_dir, **kwargs)
            elif "subset_size" in kwargs:
                score, _ = _kid_by_subsets(netG=netG, seed=seed, device=device, **kwargs)
            else:
                score, _ = compute_kid.kid_score(netG=netG, seed=seed, device=device, log_dir=log_dir, **kwargs)
            scores.append(float(score))
            records.append(score.as_dict() if hasattr(score, "as_dict") else {"value": float(score)})
            print(f"INFO: {_NAMES[metric]} (step {step}) [seed {seed}]: {float(score)}")
        scores_dict[step], protocols[step] = scores, records
        if write_to_json:
            common.write_to_json(protocols, protocol_file)
            common.write_to_json(scores_dict, output_file)
    for step in range(start, end + 1, interval):
        if step in scores_dict:
            print(f"INFO: {_NAMES[metric]} (step {step}): {np.mean(scores_dict[step])} "
                  f"(± {np.std(scores_dict[step])})")
    return scores_dict
