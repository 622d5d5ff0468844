"""``Trainer``: the GAN training loop.

It assembles the networks, optimisers, data, a :class:`~torch_gan_zoo.training.MetricLog` per step
and a :class:`~torch_gan_zoo.training.Logger`; snapshots the hyperparameters; resumes from the newest
checkpoint (bit-exactly on CPU with a seed); checkpoints every ``save_steps``, at the end and on
Ctrl-C / SIGTERM; and stops with a clear error, without touching saved checkpoints, if a loss becomes
NaN. The networks' own ``train_step`` methods define what one update is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import contextlib
import dataclasses
import enum
import os
import signal
import threading
import time
import warnings

import torch

from torch_gan_zoo.config.run import CheckpointConfig, LoggingConfig, ScheduleConfig, TrainerConfig
from torch_gan_zoo.config.validation import check_non_negative_int, suggest

from torch_gan_zoo.nets.gan import BaseDiscriminator, BaseGenerator
from torch_gan_zoo.nets.basemodel import jsonable
from torch_gan_zoo.training.best_checkpoint import BestCheckpoint, best_of, check_record, improves
from torch_gan_zoo.training.checkpoint import CheckpointManager
from torch_gan_zoo.training.data import DataStream
from torch_gan_zoo.training.distributed import DistributedContext, init_distributed
from torch_gan_zoo.training.ema import STANDING_STATS, ExponentialMovingAverage
from torch_gan_zoo.training.hparams import (
    HyperparameterMismatchError,
    check_identity,
    check_resume,
    dataset_hparams,
    history_entry,
    identity,
    load_hparams,
    optimizer_hparams,
    versions,
)
from torch_gan_zoo.training.logger import Logger
from torch_gan_zoo.training.metric_log import MetricLog, NonFiniteLossError
from torch_gan_zoo.training.run_lock import RunLock
from torch_gan_zoo.training.schedules import make_lr_scheduler
from torch_gan_zoo.utils.cpu import BF16_EMULATED_HINT, cpu_bf16_is_native, cpu_capability
from torch_gan_zoo.utils.io import CheckpointError, atomic_write_json
from torch_gan_zoo.utils.rng import get_rng_state, seed_everything, set_rng_state

if TYPE_CHECKING:
    from torch_gan_zoo.training.evaluation import Evaluator

__all__ = ["Trainer", "StopReason"]

_AMP_DTYPES = {"float16": torch.float16, "fp16": torch.float16, "bfloat16": torch.bfloat16, "bf16": torch.bfloat16}


class StopReason(str, enum.Enum):
    """Why :meth:`Trainer.train` stopped. A ``str`` enum: ``StopReason.TIME_LIMIT == 'time_limit'``."""

    COMPLETED = "completed"      #: reached ``num_steps``
    INTERRUPTED = "interrupted"  #: SIGINT (Ctrl-C): checkpoint saved, then ``KeyboardInterrupt``
    TERMINATED = "terminated"    #: SIGTERM: checkpoint saved, then ``SystemExit(143)``
    TIME_LIMIT = "time_limit"    #: ``time_limit`` seconds passed: checkpoint saved, run again to resume
    PEER = "peer"                #: another DDP rank stopped (signal or time limit): every rank stops alike

    def __str__(self):
        return self.value

    @classmethod
    def from_signal(cls, signum: int) -> StopReason:
        """The reason for a received signal number."""
        return cls.INTERRUPTED if signum == signal.SIGINT else cls.TERMINATED


#: Trainer keyword arguments that belong to an option group: keyword -> (group, field).
_GROUP_CLASSES = {"schedule": ScheduleConfig, "logging": LoggingConfig, "checkpointing": CheckpointConfig,
                  "options": TrainerConfig}
_GROUPED_KEYWORDS = {f.name: (group, f.name) for group, cls in _GROUP_CLASSES.items() for f in dataclasses.fields(cls)}


def _plain(name, value):
    """Trainer arguments that may be torch objects or paths, as the plain values the option groups hold."""
    if value is None:
        return None
    if name == "device" and isinstance(value, torch.device):
        return str(value)
    if name == "amp_dtype" and isinstance(value, torch.dtype):
        return {torch.float16: "float16", torch.bfloat16: "bfloat16"}.get(value, str(value))
    if name in ("log_dir", "netG_ckpt_file", "netD_ckpt_file") and isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def _option_groups(groups, keywords):
    """The four option groups, from group objects and/or individual (Mimicry-style) keywords.

    Raises:
        TypeError: Unknown keyword (closest name suggested), or a group of the wrong class.
        ValueError: A setting given both as a keyword and in its group with different values, or an
            invalid value (named, via the group's type check).
    """
    unknown = [k for k in keywords if k not in _GROUPED_KEYWORDS]
    if unknown:
        raise TypeError(f"Trainer() got unexpected keyword argument(s) {unknown}"
                        f"{suggest(unknown[0], _GROUPED_KEYWORDS)}")
    result = {}
    for name, cls in _GROUP_CLASSES.items():
        given = groups.get(name)
        if given is not None and not isinstance(given, cls):
            raise TypeError(f"{name}= must be a {cls.__name__}, got {type(given).__name__}")
        updates = {f: _plain(f, v) for f, (g, _) in ((k, _GROUPED_KEYWORDS[k]) for k in keywords) if g == name
                   for v in (keywords[f],)}
        if given is not None:
            clash = [f for f, v in updates.items() if getattr(given, f) != v]
            if clash:
                raise ValueError(f"{clash} given both as keyword(s) and in {name}= with different values")
            result[name] = dataclasses.replace(given)
        else:
            result[name] = cls(**updates)  # type-checks every value (ConfigError names key and value)
    return result


def _check_optimizer(name, optimizer, model, model_name):
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"{name} must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    own = {id(p) for p in model.parameters()}
    params = [p for g in optimizer.param_groups for p in g["params"]]
    if not params or any(id(p) not in own for p in params):
        raise ValueError(f"{name} must optimise {model_name}'s parameters (were optG and optD swapped?)")


class Trainer:
    """Trains a generator against a discriminator.

    The settings come in four option groups (dataclasses of :mod:`torch_gan_zoo.config`):
    ``schedule=ScheduleConfig(num_steps, n_dis, lr_decay, lr_decay_start)``,
    ``logging=LoggingConfig(log_dir, print_steps, log_steps, vis_steps, num_vis_images, progress, flush_secs)``,
    ``checkpointing=CheckpointConfig(save_steps, keep_checkpoints, netG_ckpt_file, netD_ckpt_file)`` and
    ``options=TrainerConfig(batch_size, seed, device, amp, amp_dtype, ema_decay, ema_start, distributed, sync_bn,
    channels_last, compile, time_limit)``. Every field may also be passed as a keyword of its own, as in
    earlier releases and Mimicry (``Trainer(netD, netG, optD, optG, dataloader, num_steps, log_dir, n_dis,
    lr_decay, device, save_steps=...)``); each value is type-checked once, by its group. The groups are read
    back as ``trainer.schedule`` etc., and each field as the attribute of its name (``trainer.num_steps``).

    Args:
        netD (BaseDiscriminator), netG (BaseGenerator): The networks.
        optD, optG (torch.optim.Optimizer): Their optimisers.
        dataloader (DataLoader or Dataset): Real data, yielding ``(images, labels)`` with images float
            (N, C, H, W) in [-1, 1]. A DataLoader with a random or sequential sampler is rebuilt around
            a seeded, resumable sampler with the same settings (see :class:`~torch_gan_zoo.training.data.DataStream`).
        num_steps (int): Generator steps to train for (the run ends at this global step).
        log_dir (str): Where hparams.json, checkpoints, TensorBoard events, images and train.log go.
        n_dis (int): Discriminator steps per generator step, each on a fresh real batch.
        lr_decay (str or None): ``None`` or ``'linear'`` (to 0 at ``num_steps``), for both optimisers.
        lr_decay_start (int): Generator step where the linear decay begins (constant before it).
        device: Device to train on (default: CUDA if available, else CPU).
        print_steps (int): Refresh the progress bar's losses every this many steps.
        vis_steps (int): Write sample grids every this many steps.
        log_steps (int): Write averaged scalars (TensorBoard + a log line) every this many steps.
        save_steps (int): Checkpoint every this many steps (also at the end and on Ctrl-C).
        seed (int, optional): Seeds the training RNGs and the data order at the start of a fresh run.
            Seed model construction yourself (``torch_gan_zoo.utils.seed_everything``) for identical weights.
        keep_checkpoints (int or None): Complete checkpoints to keep (``None``: all).
        num_vis_images (int): Images per sample grid.
        netG_ckpt_file, netD_ckpt_file (str, optional): Start from these checkpoints (Mimicry's
            arguments) instead of the run's own; RNG and data position then start fresh.
        amp (bool): Mixed precision: fp16 with a GradScaler per optimiser on CUDA, bf16 on CPU (a
            ``RuntimeWarning`` where the CPU has no native bf16: there it is many times slower than float32).
        amp_dtype (str or torch.dtype, optional): Force ``'float16'`` or ``'bfloat16'``.
        batch_size (int, optional): Needed when ``dataloader`` is a Dataset.
        num_workers (int): Loader workers when ``dataloader`` is a Dataset.
        progress (bool): Show a progress bar.
        extra_hparams (dict, optional): More JSON values describing the run; they are part of its
            identity (a resume with different values is refused).
        ema_decay (float, optional): Keep an exponential moving average of G's weights with this decay
            (``trainer.netG_ema``); sample grids then come from it.
        ema_start (int): Step from which the EMA averages (before it, it copies G).
        distributed (bool, optional): ``None`` (default): use DistributedDataParallel when launched
            by ``torchrun`` with several processes; ``True``: require it; ``False``: never.
            Under DDP each process reads its shard of the data (``batch_size`` is per process),
            G and D are wrapped in ``DistributedDataParallel``, and only rank 0 writes files.
        sync_bn (bool): Under DDP on CUDA, convert batch norm to ``SyncBatchNorm``.
        channels_last (bool): Use the channels-last memory format for the networks and batches
            (faster convolutions on recent GPUs and some CPUs).
        evaluator (Evaluator, optional): Computes metrics (FID, ...) every ``evaluator.every`` steps and
            at the end, sharded across DDP ranks; results go to TensorBoard (``metrics/*``),
            ``log_dir/metrics.jsonl`` and the ``'evaluation'`` entry of :meth:`train`'s result. Each evaluation
            whose ``evaluator.select`` result is finite and the best so far also saves the step as the run's best
            checkpoint (``log_dir/checkpoints/best``, never rotated; :mod:`~torch_gan_zoo.training.best_checkpoint`).
        time_limit (float, optional): Stop cleanly after this many seconds of training in this call
            (checkpoint saved, ``train()`` returns with ``'stopped': 'time_limit'``); running again
            resumes. For fixed compute budgets and cluster jobs with a wall-clock limit.
        compile (bool or dict): ``torch.compile`` both networks in place (opt-in; the first steps are
            slow while it compiles); a dict is passed as keyword arguments, e.g. ``{'mode': 'max-autotune'}``.
        run_config (dict, optional): The resolved run configuration (:class:`~torch_gan_zoo.config.RunConfig`
            as JSON); written to ``log_dir/config.json`` and recorded in ``hparams.json`` (not part of the
            run's identity: the settings it leads to are).
        allow_changes (sequence of str): Settings a resume may change on purpose, e.g. ``['optG.lr',
            'optD.lr']`` after a NaN; the new values replace the checkpoint's and each change is recorded
            with its step and time in ``hparams.json``'s ``history``.
        export_pretrained (bool, str or dict): When the run reaches ``num_steps``, write its generator (the
            EMA one with standing statistics, if kept) as a pretrained folder (``True``: ``log_dir/pretrained``;
            a dict: options of :func:`torch_gan_zoo.zoo.export_run`). Its path is :meth:`train`'s ``'pretrained'``.
            The run configuration's ``logging.export_pretrained`` (part of ``logging=``; not part of the run's
            identity, so a resume may change it).
    """

    def __init__(self, netD: BaseDiscriminator, netG: BaseGenerator, optD: torch.optim.Optimizer,
                 optG: torch.optim.Optimizer, dataloader: Any, num_steps: int | None = None,
                 log_dir: str | os.PathLike[str] | None = None, n_dis: int | None = None, lr_decay: str | None = None,
                 device: str | torch.device | None = None, *, schedule: ScheduleConfig | None = None,
                 logging: LoggingConfig | None = None, checkpointing: CheckpointConfig | None = None,
                 options: TrainerConfig | None = None, num_workers: int = 0, evaluator: Evaluator | None = None,
                 extra_hparams: Mapping[str, Any] | None = None, run_config: Any = None,
                 allow_changes: Iterable[str] = (), export_pretrained: bool | str | dict | None = None,
                 **keywords: Any) -> None:
        if not isinstance(netG, BaseGenerator):
            raise TypeError(f"netG must be a torch_gan_zoo BaseGenerator, got {type(netG).__name__}")
        if not isinstance(netD, BaseDiscriminator):
            raise TypeError(f"netD must be a torch_gan_zoo BaseDiscriminator, got {type(netD).__name__}")
        _check_optimizer("optG", optG, netG, "netG")
        _check_optimizer("optD", optD, netD, "netD")
        self.netD, self.netG, self.optD, self.optG = netD, netG, optD, optG
        positional = {"num_steps": num_steps, "log_dir": log_dir, "n_dis": n_dis, "lr_decay": lr_decay,
                      "device": device, "export_pretrained": export_pretrained}
        keywords.update({k: v for k, v in positional.items() if v is not None})
        if schedule is None and "num_steps" not in keywords:
            raise TypeError("Trainer needs num_steps (or schedule=ScheduleConfig(num_steps=...))")
        groups = _option_groups({"schedule": schedule, "logging": logging, "checkpointing": checkpointing,
                                 "options": options}, keywords)
        self.schedule, self.logging, self.checkpointing, self.options = (
            groups["schedule"], groups["logging"], groups["checkpointing"], groups["options"])
        check_non_negative_int("num_workers", num_workers)
        self.netG_ckpt_file, self.netD_ckpt_file = self.checkpointing.netG_ckpt_file, self.checkpointing.netD_ckpt_file
        self.extra_hparams = jsonable(extra_hparams or {})
        self.run_config = None if run_config is None else jsonable(run_config)
        self.allow_changes = [allow_changes] if isinstance(allow_changes, str) else list(allow_changes or ())
        self.dist = self._init_distributed(self.options.device, self.options.distributed)
        self.device = self.dist.device
        if self.options.sync_bn and self.dist.enabled and self.device.type != "cuda":
            raise ValueError("sync_bn=True needs CUDA: SyncBatchNorm does not run on CPU")
        self._wrappers = {}
        self.evaluator = evaluator
        self._deadline = None
        self.last_evaluation = None
        self._last_evaluated_step = None
        self.amp_dtype = self._resolve_amp(self.options.amp, self.options.amp_dtype)
        self.scalers = self._make_scalers()
        self.schedulers = {name: make_lr_scheduler(opt, self.lr_decay, self.num_steps, self.lr_decay_start)
                           for name, opt in (("G", optG), ("D", optD))}
        data_seed = self.seed if self.seed is not None else int.from_bytes(os.urandom(4), "little")
        if self.dist.enabled:  # every rank must shuffle alike: rank 0 chooses the seed
            data_seed = self.dist.all_gather_object(data_seed)[0]
        self.data = DataStream(dataloader, seed=data_seed, rank=self.dist.rank, world_size=self.dist.world_size,
                               batch_size=self.options.batch_size, num_workers=num_workers,
                               pin_memory=self.device.type == "cuda")
        ema_decay = self.options.ema_decay
        self.ema = ExponentialMovingAverage(netG, ema_decay, self.options.ema_start) if ema_decay is not None else None
        self.checkpoints = CheckpointManager(self.log_dir, self.keep_checkpoints)
        self.best_checkpoint = BestCheckpoint(self.log_dir)
        #: The best evaluation so far, ``{'step', 'metric', 'value', 'mode'}`` (kept in the trainer state), or None.
        self.best = None
        self.logger = Logger(self.log_dir, self.num_steps, print_steps=self.print_steps, log_steps=self.log_steps,
                             vis_steps=self.vis_steps, progress=self.progress, flush_secs=self.logging.flush_secs,
                             enabled=self.dist.is_main, reduce=self.dist.all_reduce_mean if self.dist.enabled else None)
        self.global_step = 0
        self.fixed_noise = None
        self.fixed_labels = None
        self.stop_reason = None
        self._last_saved_step = None

    @staticmethod
    def _init_distributed(device, distributed):
        if distributed is False:
            return DistributedContext(device=torch.device(device) if device is not None else torch.device(
                "cuda" if torch.cuda.is_available() else "cpu"))
        dist = init_distributed(device)
        if distributed and not dist.enabled:
            raise ValueError("distributed=True, but this process was not launched with several processes "
                             "(run it with torchrun --nproc_per_node N)")
        return dist

    # Read-only views of the option groups under the keyword names of earlier releases.
    num_steps = property(lambda self: self.schedule.num_steps)
    n_dis = property(lambda self: self.schedule.n_dis)
    lr_decay = property(lambda self: self.schedule.lr_decay)
    lr_decay_start = property(lambda self: self.schedule.lr_decay_start)
    log_dir = property(lambda self: self.logging.log_dir)
    print_steps = property(lambda self: self.logging.print_steps)
    log_steps = property(lambda self: self.logging.log_steps)
    vis_steps = property(lambda self: self.logging.vis_steps)
    num_vis_images = property(lambda self: self.logging.num_vis_images)
    progress = property(lambda self: self.logging.progress)
    save_steps = property(lambda self: self.checkpointing.save_steps)
    keep_checkpoints = property(lambda self: self.checkpointing.keep_checkpoints)
    seed = property(lambda self: self.options.seed)
    time_limit = property(lambda self: self.options.time_limit)
    sync_bn = property(lambda self: self.options.sync_bn)
    channels_last = property(lambda self: self.options.channels_last)
    compile = property(lambda self: self.options.compile)
    export_pretrained = property(lambda self: self.logging.export_pretrained)

    # ------------------------------------------------------------------ configuration
    def _resolve_amp(self, amp, amp_dtype):
        if not amp:
            if amp_dtype is not None:
                raise ValueError("amp_dtype is set but amp=False; pass amp=True to use mixed precision")
            return None
        if amp_dtype is None:
            dtype = torch.float16 if self.device.type == "cuda" else torch.bfloat16
        else:
            dtype = _AMP_DTYPES.get(amp_dtype, amp_dtype) if isinstance(amp_dtype, str) else amp_dtype
        if dtype not in (torch.float16, torch.bfloat16):
            raise ValueError(f"amp_dtype must be 'float16' or 'bfloat16', got {amp_dtype!r}")
        if dtype == torch.bfloat16 and self.device.type == "cpu" and not cpu_bf16_is_native():
            warnings.warn(f"amp=True trains in bfloat16 on the CPU, but "
                          f"{BF16_EMULATED_HINT.format(capability=cpu_capability())}; train without amp",
                          RuntimeWarning, stacklevel=3)
        return dtype

    def _make_scalers(self):
        if self.amp_dtype != torch.float16:
            return {"G": None, "D": None}
        return {name: torch.amp.GradScaler(self.device.type) for name in ("G", "D")}

    def hparams(self) -> dict[str, Any]:
        """The run's hyperparameters as plain JSON values (what ``hparams.json`` holds)."""
        return {
            "netG": self.netG.hparams(),
            "netD": self.netD.hparams(),
            "optG": optimizer_hparams(self.optG),
            "optD": optimizer_hparams(self.optD),
            "n_dis": self.n_dis,
            "batch_size": self.data.batch_size,
            "world_size": self.dist.world_size,
            "sync_bn": self.sync_bn,
            "lr_decay": self.lr_decay,
            "lr_decay_start": self.lr_decay_start,
            "seed": self.seed,
            "amp": None if self.amp_dtype is None else str(self.amp_dtype).replace("torch.", ""),
            "ema": None if self.ema is None else self.ema.to_config(),
            "dataset": dataset_hparams(self.data.dataset),
            "extra": self.extra_hparams,
            "num_steps": self.num_steps,
            "logging": {"print_steps": self.print_steps, "log_steps": self.log_steps, "vis_steps": self.vis_steps,
                        "save_steps": self.save_steps, "keep_checkpoints": self.keep_checkpoints,
                        "time_limit": self.time_limit, "export_pretrained": self.export_pretrained,
                        "evaluation": None if self.evaluator is None else {
                            **self.evaluator.to_config(), **self._evaluated_generator()[1]}},
            "versions": versions(),
            "runtime": {"device": str(self.device), "log_dir": os.path.abspath(self.log_dir),
                        "channels_last": self.channels_last, "compile": self.compile},
        }

    @property
    def hparams_path(self) -> str:
        """``log_dir/hparams.json``."""
        return os.path.join(self.log_dir, "hparams.json")

    # ------------------------------------------------------------------ state
    def trainer_state(self) -> dict[str, Any]:
        """Everything besides the networks and optimisers that an exact resume needs."""
        return {
            "num_steps": self.num_steps,
            "schedulers": {k: (s.state_dict() if s is not None else None) for k, s in self.schedulers.items()},
            "scalers": {k: (s.state_dict() if s is not None else None) for k, s in self.scalers.items()},
            "rng": get_rng_state(),
            "rng_per_rank": self.dist.all_gather_object(get_rng_state()) if self.dist.enabled else None,
            "data": self.data.state_dict(),
            "fixed_noise": self.fixed_noise.cpu(),
            "fixed_labels": None if self.fixed_labels is None else self.fixed_labels.cpu(),
            "ema": None if self.ema is None else self.ema.state_dict(),
            "best": None if self.best is None else dict(self.best),
            "identity": identity(self.hparams()),  # lets a run directory without hparams.json be checked
        }

    def _load_trainer_state(self, state):
        for key, scheduler in self.schedulers.items():
            saved = state["schedulers"].get(key)
            if scheduler is not None and saved is not None:
                scheduler.load_state_dict(saved)
        for key, scaler in self.scalers.items():
            saved = (state.get("scalers") or {}).get(key)
            if scaler is not None and saved is not None:
                scaler.load_state_dict(saved)
        self.data.load_state_dict(state["data"])
        if self.ema is not None:
            if state.get("ema") is None:
                raise CheckpointError("the checkpoint holds no EMA weights but ema_decay is set")
            self.ema.load_state_dict(state["ema"])
        self.fixed_noise = state["fixed_noise"].to(self.device)
        best = state.get("best")  # trainer files written before the best checkpoint existed hold none
        self.best = None if best is None else check_record(best, "the trainer checkpoint's 'best' record")
        labels = state.get("fixed_labels")
        self.fixed_labels = None if labels is None else labels.to(self.device)
        per_rank = state.get("rng_per_rank")
        if per_rank is not None and len(per_rank) == self.dist.world_size:
            set_rng_state(per_rank[self.dist.rank])
        else:
            if self.dist.enabled:
                warnings.warn(f"the checkpoint's RNG states are from {len(per_rank or [0])} process(es), this run has "
                              f"{self.dist.world_size}: every rank restores rank 0's state",
                              RuntimeWarning, stacklevel=3)
            set_rng_state(state["rng"])

    def _make_fixed_inputs(self):
        rng = torch.Generator().manual_seed(self.seed if self.seed is not None else 0)
        self.fixed_noise = torch.randn(self.num_vis_images, self.netG.nz, generator=rng).to(self.device)
        num_classes = getattr(self.netG, "num_classes", None)
        self.fixed_labels = (torch.arange(self.num_vis_images) % num_classes).to(self.device) if num_classes else None

    def _restore(self):
        """Resume from the run's newest checkpoint or the explicit ckpt files; returns the start step."""
        if self.netG_ckpt_file or self.netD_ckpt_file:
            if not (self.netG_ckpt_file and self.netD_ckpt_file):
                raise ValueError("pass both netG_ckpt_file and netD_ckpt_file, or neither")
            g_step = self.netG.restore_checkpoint(self.netG_ckpt_file, self.optG)
            d_step = self.netD.restore_checkpoint(self.netD_ckpt_file, self.optD)
            if g_step != d_step:
                raise CheckpointError(f"netG_ckpt_file is from step {g_step} but netD_ckpt_file from step {d_step}")
            warnings.warn("starting from explicit checkpoint files: RNG states and data position start fresh, "
                          "so the continuation is not bit-identical to an uninterrupted run",
                          RuntimeWarning, stacklevel=3)
            with warnings.catch_warnings():  # fast-forwarding the schedule without optimiser steps
                warnings.simplefilter("ignore", UserWarning)
                for scheduler in self.schedulers.values():
                    if scheduler is not None:
                        for _ in range(g_step):
                            scheduler.step()
            return g_step
        step, state = self.checkpoints.restore_latest(self.netG, self.netD, self.optG, self.optD)
        if step is None:
            if self.checkpoints.has_checkpoints():
                warnings.warn(f"{self.checkpoints.root} holds only incomplete checkpoints; starting from step 0",
                              RuntimeWarning, stacklevel=3)
            return 0
        self._load_trainer_state(state)
        return step

    # ------------------------------------------------------------------ the loop
    @property
    def netG_ema(self) -> BaseGenerator | None:
        """The EMA copy of the generator (eval mode), or ``None`` without ``ema_decay``."""
        return None if self.ema is None else self.ema.shadow

    def _prepare(self):
        """Check the run's identity, restore the newest checkpoint, write hparams.json (and config.json).

        Returns:
            int: The step training starts from.
        """
        memory_format = torch.channels_last if self.channels_last else torch.preserve_format
        for net in (self.netG, self.netD):
            net.to(self.device, memory_format=memory_format)
        if self.ema is not None:
            self.ema.shadow.to(self.device, memory_format=memory_format)
        current = self.hparams()
        changes, history = self._check_identity(current)  # raises before anything is written
        if self.evaluator is not None:  # missing Inception weights fail now, not at the first evaluation
            self.evaluator.check_ready()
            if hasattr(self.evaluator, "check_device"):  # so does a precision this device cannot run
                self.evaluator.check_device(self.device)
        if self.dist.is_main:  # issue 14: remove what a killed save left (temporary files, incomplete steps)
            self.checkpoints.remove_leftovers()
        self.dist.barrier()  # no rank writes before every rank has checked
        fresh = not self.checkpoints.has_checkpoints() and not (self.netG_ckpt_file or self.netD_ckpt_file)
        if fresh and self.seed is not None:
            seed_everything(self.seed)
        self._make_fixed_inputs()
        chosen = self._optimizer_settings()
        start = self._restore()
        self._restore_best()
        if start > self.num_steps:
            raise ValueError(f"the newest checkpoint is at step {start}, beyond num_steps={self.num_steps}")
        if changes:
            self._apply_allowed_changes(changes, chosen)
            history = history + [history_entry(start, changes)]
        current["history"] = history
        if self.run_config is not None:
            current["run_config"] = self.run_config
        if self.dist.is_main:
            atomic_write_json(self.hparams_path, current)
            if self.run_config is not None:
                atomic_write_json(self.config_path, self.run_config)
        self.global_step = start
        self._last_saved_step = start if start > 0 else None
        self._wrap_networks()
        return start

    @property
    def config_path(self) -> str:
        """``log_dir/config.json``: the resolved run configuration (written when given ``run_config``)."""
        return os.path.join(self.log_dir, "config.json")

    def _check_identity(self, current):
        """Compare ``current`` with ``hparams.json``, or, when that file is missing but checkpoints exist,
        with the identity recorded inside the newest checkpoint (a directory whose checkpoints record
        none is refused).

        Returns:
            tuple: ``(allowed changes, the saved history)``.
        """
        if os.path.exists(self.hparams_path):
            saved = load_hparams(self.hparams_path)
            return check_resume(self.hparams_path, current, self.allow_changes), list(saved.get("history", []))
        steps = self.checkpoints.complete_steps()
        if not steps or self.netG_ckpt_file or self.netD_ckpt_file:
            return [], []
        recorded = None
        for step in reversed(steps):
            try:
                recorded = self.checkpoints.load_trainer_state(step).get("identity")
            except CheckpointError:
                continue
            break
        if not isinstance(recorded, dict):
            raise HyperparameterMismatchError(
                f"refusing to resume: {self.log_dir} holds checkpoints (newest: step {steps[-1]}) but no hparams.json, "
                "and the checkpoints do not record the settings they were trained with, so resuming could silently "
                "change the learning rate, n_dis or schedule. Restore hparams.json, or use a new log_dir."
            )
        where = f"{self.log_dir} (no hparams.json; checked against the settings recorded in its checkpoint)"
        return check_identity(recorded, current, self.allow_changes, where=where), []

    def _optimizer_settings(self):
        """Each optimiser's hyperparameters as this run chose them (before a checkpoint overwrites them)."""
        return {name: [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
                for name, opt in (("optG", self.optG), ("optD", self.optD))}

    def _apply_allowed_changes(self, changes, chosen):
        """After restoring a checkpoint, put back the optimiser settings the resume was allowed to change
        (a restored optimiser would otherwise keep the saved learning rate)."""
        schedulers = {"optG": self.schedulers["G"], "optD": self.schedulers["D"]}
        for key, _, _ in changes:
            parts = key.split(".")
            if len(parts) != 4 or parts[0] not in chosen or parts[1] != "param_groups":
                continue
            name, index, option = parts[0], int(parts[2]), parts[3]
            optimizer = self.optG if name == "optG" else self.optD
            group, new = optimizer.param_groups[index], chosen[name][index]
            if option != "lr":
                group[option] = new[option]
                continue
            base = new.get("initial_lr", new["lr"])
            scheduler = schedulers[name]
            if scheduler is None:
                group["lr"] = base
                continue
            group["initial_lr"] = base
            scheduler.base_lrs[index] = base
            group["lr"] = base * scheduler.lr_lambdas[index](scheduler.last_epoch)
            scheduler._last_lr = [g["lr"] for g in optimizer.param_groups]

    def _wrap_networks(self):
        """SyncBatchNorm, DistributedDataParallel and torch.compile, once, after restoring weights."""
        if self._wrappers:
            return
        for name, net in (("G", self.netG), ("D", self.netD)):
            if self.sync_bn and self.dist.enabled:
                torch.nn.SyncBatchNorm.convert_sync_batchnorm(net)
            if self.compile:
                net.compile(**(self.compile if isinstance(self.compile, dict) else {}))
            if self.dist.enabled:
                from torch.nn.parallel import DistributedDataParallel

                ids = [self.device.index] if self.device.type == "cuda" else None
                wrapper = DistributedDataParallel(net, device_ids=ids, output_device=ids[0] if ids else None)
                net.set_call_wrapper(wrapper)
                self._wrappers[name] = wrapper

    def _unwrap_networks(self):
        for name, net in (("G", self.netG), ("D", self.netD)):
            if name in self._wrappers:
                net.set_call_wrapper(None)
        self._wrappers = {}

    def _lrs(self):
        return {"G": self.optG.param_groups[0]["lr"], "D": self.optD.param_groups[0]["lr"]}

    def _train_one_step(self):
        # fetch first: a step never half-happens
        batches = [self._to_device(self.data.next()) for _ in range(self.n_dis)]
        log_data = MetricLog()
        kwargs = dict(device=self.device, global_step=self.global_step, amp_dtype=self.amp_dtype)
        for batch in batches:
            self.netD.train_step(batch, self.netG, self.optD, log_data, scaler=self.scalers["D"], **kwargs)
        self.netG.train_step(batches[-1], self.netD, self.optG, log_data, scaler=self.scalers["G"], **kwargs)
        return log_data

    def _to_device(self, batch):
        tensors = list(batch) if isinstance(batch, (tuple, list)) else [batch]
        images = tensors[0].to(self.device, non_blocking=True)
        if self.channels_last and images.dim() == 4:
            images = images.contiguous(memory_format=torch.channels_last)
        rest = [t.to(self.device, non_blocking=True) if torch.is_tensor(t) else t for t in tensors[1:]]
        return (images, *rest) if isinstance(batch, (tuple, list)) else images

    def save_checkpoint(self) -> dict[str, str]:
        """Checkpoint the current step (after checking losses and weights are finite).

        Returns:
            dict: Paths of the netG, netD and trainer files.

        Raises:
            NonFiniteLossError: Losses or weights are NaN/inf; nothing is written.
        """
        self.logger.check_finite(self.global_step)
        name = self._non_finite_weights()
        if name is not None:
            raise NonFiniteLossError(f"{name} has non-finite weights at step {self.global_step}; not saving. "
                                     "Earlier checkpoints are untouched.")
        state = self.trainer_state()  # collective under DDP: gathers every rank's RNG state
        if self.dist.is_main:
            paths = self.checkpoints.save(self.global_step, self.netG, self.netD, self.optG, self.optD, state,
                                          netG_ema=self.netG_ema)
        else:
            paths = self._paths(self.global_step)
        self.dist.barrier()
        self._last_saved_step = self.global_step
        return paths

    def _paths(self, step):
        parts = ("netG", "netD", "trainer") + (() if self.ema is None else ("netG_ema",))
        return {part: self.checkpoints.path(part, step) for part in parts}

    def _stop_requested(self):
        """Whether a stop signal arrived or the time limit passed; under DDP, on any rank (so every
        rank stops at the same step)."""
        if self._deadline is not None and self.stop_reason is None and time.monotonic() > self._deadline:
            self.stop_reason = StopReason.TIME_LIMIT
        if self.dist.enabled:
            stop = self.dist.any(self.stop_reason is not None)
            if stop and self.stop_reason is None:
                self.stop_reason = StopReason.PEER  # another rank stopped (signal or time limit): stop here too
            return stop
        return self.stop_reason is not None

    def _on_signal(self, signum, frame):
        if self.stop_reason is not None:  # second signal: stop now
            raise KeyboardInterrupt
        self.stop_reason = StopReason.from_signal(signum)

    @contextlib.contextmanager
    def _signal_handlers(self):
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)

    def train(self) -> dict[str, Any]:
        """Train until ``num_steps`` (resuming from the run's newest checkpoint if there is one).

        Returns:
            dict: ``{'global_step', 'checkpoint': {'netG', 'netD', 'trainer'}, 'log_dir', 'metrics',
            'evaluation', 'stop_reason', 'stopped', 'best'}`` where ``best`` is ``{'step', 'metric', 'value'}``
            of the best checkpoint (``None`` before any finite evaluation), ``metrics`` holds the means of the last
            logged window, ``stop_reason`` is a :class:`StopReason` and ``stopped`` is ``None`` for a completed run,
            else the same reason (a ``str`` enum equal to ``'time_limit'`` or ``'peer'``).

        Raises:
            HyperparameterMismatchError: ``log_dir`` holds a different run (nothing is changed).
            NonFiniteLossError: A loss became NaN/inf (earlier checkpoints are untouched); the message, also
                written to ``train.log``, names the step, the loss, the last good checkpoint and how to resume.
            KeyboardInterrupt: After Ctrl-C, once a checkpoint has been saved (SIGTERM: ``SystemExit``).
            RunLockedError: Another process is training in ``log_dir`` (nothing is changed).
        """
        with RunLock(self.log_dir) if self.dist.is_main else contextlib.nullcontext():  # issue 14: one run per log_dir
            return self._train_holding_lock()

    def _train_holding_lock(self):
        start = self._prepare()
        self.stop_reason = None
        self._deadline = None if self.time_limit is None else time.monotonic() + self.time_limit
        self.logger.start(start)
        # issue 14: fallbacks and clean-ups reach train.log
        for message in self.checkpoints.pop_messages() + self.best_checkpoint.pop_messages():
            self.logger.info(f"warning: {message}")
        if start:
            self.logger.info(f"resumed from step {start} in {self.checkpoints.root}")
        try:
            with self._signal_handlers():
                try:
                    paths = self._finish_run(self._run_steps())
                except NonFiniteLossError as exc:
                    raise self._non_finite(exc) from exc
                metrics = dict(self.logger.last_means)
        finally:
            self.logger.close()
            self._unwrap_networks()
        reason = self.stop_reason or StopReason.COMPLETED
        if reason is StopReason.INTERRUPTED:
            raise KeyboardInterrupt(f"training interrupted at step {self.global_step}; checkpoint saved")
        if reason is StopReason.TERMINATED:
            raise SystemExit(128 + signal.SIGTERM)
        exported = None
        if self.export_pretrained and self.global_step == self.num_steps and self.dist.is_main:
            from torch_gan_zoo.zoo.export import export_trainer  # zoo builds on training: imported only when used

            exported = export_trainer(self, self.export_pretrained)
        return {"global_step": self.global_step, "checkpoint": paths, "log_dir": self.log_dir, "metrics": metrics,
                "evaluation": self.last_evaluation, "stop_reason": reason,
                "stopped": None if reason is StopReason.COMPLETED else reason, "pretrained": exported,
                "best": None if self.best is None else {k: self.best[k] for k in ("step", "metric", "value")}}

    def _run_steps(self):
        """The step loop: train, log, sample, checkpoint and evaluate until ``num_steps`` or a stop request.

        Returns:
            dict or None: The paths of the last checkpoint saved in the loop.
        """
        paths = None
        while self.global_step < self.num_steps and not self._stop_requested():
            log_data = self._train_one_step()
            self.global_step += 1
            if self.ema is not None:
                self.ema.update(self.netG, self.global_step)
            for scheduler in self.schedulers.values():
                if scheduler is not None:
                    scheduler.step()
            self.logger.step(self.global_step, log_data, self._lrs())
            if self.global_step % self.vis_steps == 0:
                self.vis()
            if self.global_step % self.save_steps == 0:
                paths = self.save_checkpoint()
            if self.evaluator is not None and self.global_step % self.evaluator.every == 0:
                paths = self._evaluate_keeping_the_steps(paths)
        return paths

    def _evaluate_keeping_the_steps(self, paths):
        """Evaluate now; if the evaluation fails (weights file removed, out of memory, ...), first checkpoint
        the steps trained since the last save (single process: under DDP the ranks may not all fail), log that
        to train.log and re-raise the error unchanged. Returns the paths of the newest checkpoint."""
        try:
            self.evaluate()
        except Exception as exc:
            if self.dist.enabled or self._last_saved_step == self.global_step:
                raise
            paths = self.save_checkpoint()
            self.logger.info(f"evaluation failed at step {self.global_step} ({type(exc).__name__}: {exc}); "
                             f"checkpoint saved at step {self.global_step}: fix the cause and re-run to resume")
            raise
        return paths

    def _finish_run(self, paths):
        """End of run (completed or stopped): the final checkpoint, samples, evaluation, scalars and the
        log line saying why training stopped. Returns the paths of the final checkpoint."""
        if self._last_saved_step != self.global_step:
            paths = self.save_checkpoint()
            if self.global_step % self.vis_steps != 0:
                self.vis()
        elif paths is None:  # resumed a finished run: nothing new to save
            paths = self._paths(self.global_step)
        stopped_by_signal = self.stop_reason in (StopReason.INTERRUPTED, StopReason.TERMINATED)
        if self.evaluator is not None and self._last_evaluated_step != self.global_step and not stopped_by_signal:
            self.evaluate()
        self.logger.flush_scalars(self.global_step, self._lrs())
        if self.stop_reason is StopReason.TIME_LIMIT:
            self.logger.info(f"time limit of {self.time_limit:g} s reached: saved checkpoint at step "
                             f"{self.global_step}; run again to continue")
        elif stopped_by_signal:
            name = "SIGINT" if self.stop_reason is StopReason.INTERRUPTED else "SIGTERM"
            self.logger.info(f"{name} received: saved checkpoint at step {self.global_step} to "
                             f"{paths['netG']}; run the same command again to resume")
        return paths

    def _non_finite(self, exc):
        """A :class:`NonFiniteLossError` whose message (also written to ``train.log``) names the step, the
        loss, the last good checkpoint and a way to resume that the resume check accepts."""
        steps = self.checkpoints.complete_steps()
        if steps:
            last = (f"The last good checkpoint is step {steps[-1]} ({self.checkpoints.path('netG', steps[-1])}). "
                    "To continue from it")
        else:
            last = "No checkpoint was saved before it: running again starts from step 0. To do so"
        message = (
            f"training stopped at step {self.global_step}: {exc}\n{last} with a lower learning "
            "rate, run the same command again with the change allowed explicitly, e.g. "
            "`--set optG.lr=<lower> --set optD.lr=<lower> --allow-change optG.lr --allow-change optD.lr` "
            "(Python: build the optimisers with the lower rate and pass Trainer(..., allow_changes=['optG.lr', "
            "'optD.lr'])); the change is recorded in hparams.json's history."
        )
        self.logger.info(message)
        return NonFiniteLossError(message)

    def evaluate(self) -> dict[str, Any]:
        """Run the evaluator now (every process must call it under DDP); returns and records the results."""
        if self.evaluator is None:
            raise ValueError("no evaluator: pass Trainer(evaluator=Evaluator(...))")
        netG, record = self._evaluated_generator()
        results = self.evaluator.evaluate(netG, self.dist, self.device, standing_stats=record["standing_stats"])
        if self.dist.is_main:
            self.logger.write_metrics(self.global_step, results)
            self.evaluator.record(self.log_dir, self.global_step, {**results, **record})
        self.last_evaluation = {"step": self.global_step, **results, **record}
        self._last_evaluated_step = self.global_step
        self._keep_if_best(results)
        return results

    def _keep_if_best(self, results):
        """Save this step as the best checkpoint if its ``evaluator.select`` result is finite and better than
        the best so far (every process must call it under DDP; rank 0 writes). Returns the new record or None."""
        metric, mode = self.evaluator.select, self.evaluator.select_mode
        value = results.get(metric)
        same = self.best is not None and (self.best["metric"], self.best["mode"]) == (metric, mode)
        # fixed_noise is set once train() has prepared the run: before that there is no trainer state to save
        if self.fixed_noise is None or not improves(value, self.best if same else None, mode):
            if self.fixed_noise is not None and not improves(value, None, mode):
                self.logger.info(f"[step {self.global_step}] {metric} is {value}: not kept as the best checkpoint")
            return None
        if self._non_finite_weights():
            self.logger.info(f"[step {self.global_step}] non-finite weights: not kept as the best checkpoint")
            return None
        previous, self.best = self.best, {"step": int(self.global_step), "metric": metric, "value": float(value),
                                          "mode": mode}
        try:
            state = self.trainer_state()  # collective under DDP; records the new best itself
            if self.dist.is_main:
                pointer = self.best_checkpoint.save(self.best, self.netG, self.netD, self.optG, self.optD, state,
                                                    netG_ema=self.netG_ema)
                self.logger.info(f"[step {self.global_step}] new best {metric} {value:.6g} (previous: "
                                 + ("none" if not same else f"{previous['value']:.6g} at step {previous['step']}")
                                 + f"): saved to {os.path.join(self.best_checkpoint.root, pointer['folder'])}")
        except BaseException:
            self.best = previous
            raise
        self.dist.barrier()
        return self.best

    def _restore_best(self):
        """The best so far after a restore: the better of the trainer state's record and ``best.json`` (which
        may be newer than the restored step), among those selected as the evaluator selects; rank 0 first
        removes best folders that ``best.json`` does not name (a killed best save)."""
        pointer = None
        if self.dist.is_main:
            try:
                pointer = self.best_checkpoint.read()
            except CheckpointError as exc:
                self.best_checkpoint.messages.append(f"ignoring the best checkpoint (its folders are kept): {exc}")
            else:
                self.best_checkpoint.remove_leftovers()
        if self.dist.enabled:
            pointer = self.dist.all_gather_object(pointer)[0]
        select = None if self.evaluator is None else (self.evaluator.select, self.evaluator.select_mode)
        self.best, other = best_of([self.best, pointer], select)
        if other and select is not None:
            self.best_checkpoint.messages.append(
                f"the best checkpoint so far (step {other[-1]['step']}) was selected by {other[-1]['metric']}; this "
                f"run selects by {select[0]}, so its next evaluation replaces it")

    def _non_finite_weights(self):
        """The name of the first network (``'netG'``/``'netD'``) holding a NaN/inf weight, or None."""
        for name, net in (("netG", self.netG), ("netD", self.netD)):
            if not all(bool(torch.isfinite(p).all()) for p in net.parameters()):
                return name
        return None

    def _evaluated_generator(self):
        """``(netG, record)``: the generator the evaluator scores and how (``record``: ``generator`` is
        ``'ema+standing_stats'`` or ``'netG'``, ``standing_stats`` the settings or ``None``). The EMA generator
        is scored as it is exported (:func:`torch_gan_zoo.zoo.export_run`): a copy with batch-norm statistics
        re-estimated with the export's settings (:data:`~torch_gan_zoo.training.ema.STANDING_STATS`, updated
        by ``export_pretrained``'s ``stats``); the EMA itself is left untouched."""
        if self.ema is None or not self.evaluator.use_ema:
            return self.netG, {"generator": "netG", "standing_stats": None}
        spec = self.export_pretrained
        stats = (spec.get("stats") if isinstance(spec, dict) else None) or {}
        return self.ema.shadow, {"generator": "ema+standing_stats", "standing_stats": {**STANDING_STATS, **stats}}

    def vis(self) -> dict[str, str]:
        """Write fixed-noise and random sample grids for the current step."""
        netG = self.netG if self.ema is None else self.ema.shadow
        with netG.bypass_wrapper():  # rank 0 alone samples: no collective forward
            return self.logger.vis_images(netG, self.global_step, self.fixed_noise, self.fixed_labels,
                                          seed=self.seed or 0)
