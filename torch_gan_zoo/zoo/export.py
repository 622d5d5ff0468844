"""Export the generator a run evaluated as a pretrained folder.

The Trainer checkpoints its EMA generator with the raw generator's batch-norm buffers, which do
not match the averaged weights; the benchmarks evaluate it only after re-estimating those
statistics (:func:`~torch_gan_zoo.training.ema.standing_stats`). :func:`export_run` does the same
re-estimation with the same settings before writing, so the weights users load are exactly the
ones whose FID is reported.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping

import torch

from torch_gan_zoo.config.run import EXPORT_OPTIONS
from torch_gan_zoo.training.best_checkpoint import BestCheckpoint
from torch_gan_zoo.training.checkpoint import CheckpointManager
from torch_gan_zoo.training.ema import STANDING_STATS, has_batch_norm, standing_stats
from torch_gan_zoo.utils.io import CheckpointError
from torch_gan_zoo.zoo.checkpoints import load_checkpoint_model
from torch_gan_zoo.zoo.pretrained import WEIGHTS_NAME, read_config, save_pretrained

__all__ = ["STANDING_STATS", "export_run", "export_trainer"]


def _rebuild(path, role, model, resolution, device="cpu"):
    _, name, res, net = load_checkpoint_model(path, role, model, resolution, map_location=device)
    return name, res, net


def _read_run_config(log_dir):
    path = os.path.join(log_dir, "hparams.json")
    if not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"{path} is unreadable ({exc})") from exc
    if not isinstance(config, dict):
        raise CheckpointError(f"{path} does not hold a JSON object")
    config.pop("runtime", None)  # this machine's paths and devices: not part of what the model is
    return config


def export_run(log_dir, out_folder=None, step: int | str | None = None, use_ema: bool | None = None,
               stats: Mapping | None = None, include_discriminator: bool = True, dtype=None,
               card: Mapping | None = None, overwrite: bool = False, device=None) -> str:
    """Write the generator of a training run as a pretrained folder (see :func:`save_pretrained`).

    Args:
        log_dir: The run's directory (``checkpoints/``, ``hparams.json``).
        out_folder: Where to write (default ``log_dir/pretrained``).
        step: Checkpoint step to export (default: the newest complete one), or ``'best'``: the best
            checkpoint the in-training evaluation selected (``log_dir/checkpoints/best``, checksums verified).
        use_ema: Export the EMA generator (``netG_ema`` checkpoints). ``None``: when the run has one.
        stats: Standing-statistics settings (``num_batches``, ``batch_size``, ``seed``) for the EMA
            generator's batch-norm statistics; default :data:`STANDING_STATS`. Ignored for the raw
            generator, whose statistics were tracked during training.
        include_discriminator: Also store the discriminator of the same step.
        dtype: Store floating tensors in this dtype (e.g. ``torch.float16``).
        card: Model-card fields (``name``, ``description``, ``dataset``, ``license``, ``command``, ``fid``).
        overwrite: Replace an existing pretrained folder.
        device: Where to re-estimate the statistics (default CPU). The Trainer's final export uses its
            training device, the device its evaluator scored the same generator on.

    Returns:
        str: The folder.

    Raises:
        CheckpointError: No complete checkpoint, a missing EMA checkpoint with ``use_ema=True``, an
            unreadable or unsafe checkpoint file, or a class that is not registered.
    """
    log_dir = os.fspath(log_dir)
    best = None
    if step == "best":
        manager, step, best = BestCheckpoint(log_dir).resolve()
    else:
        if isinstance(step, str) or isinstance(step, bool):
            raise ValueError(f"step must be a step number, None or 'best', got {step!r}")
        manager = CheckpointManager(log_dir, keep_last=None)
        steps = manager.complete_steps()
        if not steps:
            raise CheckpointError(f"{log_dir} holds no complete checkpoint to export")
        if step is None:
            step = steps[-1]
        elif step not in steps:
            raise CheckpointError(f"{log_dir} has no complete checkpoint of step {step}; complete steps: {steps}")
    ema_path = manager.path("netG_ema", step)
    if use_ema is None:
        use_ema = os.path.isfile(ema_path)
    if use_ema and not os.path.isfile(ema_path):
        raise CheckpointError(f"use_ema=True, but the run kept no EMA generator at step {step} ({ema_path} is missing)")
    run = _read_run_config(log_dir)
    extra = (run or {}).get("extra") or {}
    model, resolution = extra.get("model"), extra.get("resolution")
    source = "netG_ema" if use_ema else "netG"
    name, res, netG = _rebuild(ema_path if use_ema else manager.path("netG", step), "netG", model, resolution,
                               "cpu" if device is None else device)
    settings = None
    if use_ema:
        settings = {**STANDING_STATS, **dict(stats or {})}
        unknown = sorted(set(settings) - set(STANDING_STATS))
        if unknown:
            raise ValueError(f"unknown standing-statistics setting(s) {unknown}; use {sorted(STANDING_STATS)}")
        if has_batch_norm(netG):
            standing_stats(netG, **settings)
        else:  # nothing to re-estimate (e.g. the CPPN generator): the record says so
            settings = None
    netG = netG.cpu()
    netD = _rebuild(manager.path("netD", step), "netD", name, res)[2] if include_discriminator else None
    card = dict(card or {})
    card.setdefault("dataset", extra.get("dataset") or ((run or {}).get("dataset") or {}).get("name"))
    export = {"log_dir": os.path.abspath(log_dir), "step": int(step), "source": source, "standing_stats": settings}
    if best is not None:
        export["best"] = {"metric": best["metric"], "value": best["value"]}
    out_folder = os.path.join(log_dir, "pretrained") if out_folder is None else os.fspath(out_folder)
    return save_pretrained(netG.eval(), out_folder, netD=None if netD is None else netD.eval(), config=run,
                           card=card, dtype=dtype, model=name, resolution=res, overwrite=overwrite, export=export)


def export_trainer(trainer, spec=True) -> str:
    """Export the step a :class:`~torch_gan_zoo.training.Trainer` just saved (what
    ``Trainer(export_pretrained=spec)`` calls at the end of a run); see :func:`export_run`.

    Args:
        spec: ``True``: to ``log_dir/pretrained``; a path: to that folder; a dict: keyword arguments
            of :func:`export_run` (``out_folder``, ``stats``, ``dtype`` as a torch dtype or its name such
            as ``'float16'``, ``card``, ...). An earlier export of the same run in the folder is replaced;
            another run's export is not (unless the dict says ``overwrite=True``).

    Raises:
        ValueError: The folder holds another run's export (nothing is changed) or an unknown option.
    """
    if isinstance(spec, dict):
        kwargs = dict(spec)
    elif spec is True or spec is None:
        kwargs = {}
    elif isinstance(spec, (str, os.PathLike)):
        kwargs = {"out_folder": spec}
    else:
        raise TypeError(f"export_pretrained must be True, a folder or a dict of export_run options, got {spec!r}")
    unknown = sorted(set(kwargs) - set(EXPORT_OPTIONS))
    if unknown:
        raise ValueError(f"unknown export_pretrained option(s) {unknown}; the options are {list(EXPORT_OPTIONS)}")
    if isinstance(kwargs.get("dtype"), str):
        kwargs["dtype"] = getattr(torch, kwargs["dtype"].replace("torch.", ""))
    if kwargs.get("overwrite") is None:
        folder = kwargs.get("out_folder") or os.path.join(trainer.log_dir, "pretrained")
        kwargs["overwrite"] = _earlier_export_of(folder, trainer.log_dir)
    return export_run(trainer.log_dir, step=trainer.global_step, device=trainer.device, **kwargs)


def _earlier_export_of(folder, log_dir):
    """Whether ``folder`` may be replaced by an export of ``log_dir``: it holds no pretrained model, or one
    exported from this run. Raises ValueError when it holds another model."""
    if not os.path.exists(os.path.join(folder, WEIGHTS_NAME)):
        return True
    try:
        source = (read_config(folder).get("export") or {}).get("log_dir")
    except (OSError, ValueError):
        source = None
    if source is not None and os.path.abspath(source) == os.path.abspath(log_dir):
        return True
    raise ValueError(f"{folder} already holds a pretrained model that is not an export of {log_dir} "
                     f"(exported from {source or 'elsewhere'}); nothing was replaced. The run's checkpoints are "
                     f"saved: export them with `torch-gan-zoo export --run {log_dir} --out OTHER_FOLDER`, or pass "
                     "export_pretrained={'out_folder': ..., 'overwrite': true}")
