"""``Trainer``: the GAN training loop.

It assembles the networks, optimisers, data, a :class:`~torch_gan_zoo.training.MetricLog` per step
and a :class:`~torch_gan_zoo.training.Logger`; snapshots the hyperparameters; resumes from the newest
checkpoint (bit-exactly on CPU with a seed); checkpoints every ``save_steps``, at the end and on
Ctrl-C / SIGTERM; and stops with a clear error, without touching saved checkpoints, if a loss becomes
NaN. The networks' own ``train_step`` methods define what one update is.
"""
import contextlib
import os
import signal
import threading
import time
import warnings

import torch

from torch_gan_zoo.nets.gan import BaseDiscriminator, BaseGenerator
from torch_gan_zoo.nets.basemodel import jsonable
from torch_gan_zoo.training.checkpoint import CheckpointManager
from torch_gan_zoo.training.data import DataStream
from torch_gan_zoo.training.distributed import DistributedContext, init_distributed
from torch_gan_zoo.training.ema import ExponentialMovingAverage
from torch_gan_zoo.training.hparams import (
    check_resume,
    dataset_hparams,
    optimizer_hparams,
    versions,
)
from torch_gan_zoo.training.logger import Logger
from torch_gan_zoo.training.metric_log import MetricLog, NonFiniteLossError
from torch_gan_zoo.training.schedules import make_lr_scheduler
from torch_gan_zoo.utils.io import CheckpointError, atomic_write_json
from torch_gan_zoo.utils.rng import get_rng_state, seed_everything, set_rng_state

__all__ = ["Trainer"]

_AMP_DTYPES = {"float16": torch.float16, "fp16": torch.float16, "bfloat16": torch.bfloat16, "bf16": torch.bfloat16}


def _positive_int(name, value, allow_none=False):
    if allow_none and value is None:
        return value
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return value


def _check_optimizer(name, optimizer, model, model_name):
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"{name} must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    own = {id(p) for p in model.parameters()}
    params = [p for g in optimizer.param_groups for p in g["params"]]
    if not params or any(id(p) not in own for p in params):
        raise ValueError(f"{name} must optimise {model_name}'s parameters (were optG and optD swapped?)")


class Trainer:
    """Trains a generator against a discriminator.

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
        amp (bool): Mixed precision: fp16 with a GradScaler per optimiser on CUDA, bf16 on CPU.
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
            ``log_dir/metrics.jsonl`` and the ``'evaluation'`` entry of :meth:`train`'s result.
        time_limit (float, optional): Stop cleanly after this many seconds of training in this call
            (checkpoint saved, ``train()`` returns with ``'stopped': 'time_limit'``); running again
            resumes. For fixed compute budgets and cluster jobs with a wall-clock limit.
        compile (bool or dict): ``torch.compile`` both networks in place (opt-in; the first steps are
            slow while it compiles); a dict is passed as keyword arguments, e.g. ``{'mode': 'max-autotune'}``.
        export_pretrained (bool, str or dict): When the run reaches ``num_steps``, write its generator (the
            EMA one with standing statistics, if kept) as a pretrained folder (``True``: ``log_dir/pretrained``;
            a dict: options of :func:`torch_gan_zoo.zoo.export_run`). Its path is in :meth:`train`'s result as ``'pretrained'``.
    """

    def __init__(self, netD, netG, optD, optG, dataloader, num_steps, log_dir="./log", n_dis=1, lr_decay=None,
                 device=None, print_steps=1, vis_steps=500, log_steps=50, save_steps=5000, seed=None,
                 keep_checkpoints=5, num_vis_images=64, netG_ckpt_file=None, netD_ckpt_file=None, amp=False,
                 amp_dtype=None, batch_size=None, num_workers=0, progress=True, extra_hparams=None,
                 flush_secs=30, ema_decay=None, ema_start=0, distributed=None, sync_bn=False,
                 channels_last=False, compile=False, evaluator=None, time_limit=None, lr_decay_start=0,
                 export_pretrained=False):
        if not isinstance(netG, BaseGenerator):
            raise TypeError(f"netG must be a torch_gan_zoo BaseGenerator, got {type(netG).__name__}")
        if not isinstance(netD, BaseDiscriminator):
            raise TypeError(f"netD must be a torch_gan_zoo BaseDiscriminator, got {type(netD).__name__}")
        _check_optimizer("optG", optG, netG, "netG")
        _check_optimizer("optD", optD, netD, "netD")
        self.netD, self.netG, self.optD, self.optG = netD, netG, optD, optG
        self.num_steps = _positive_int("num_steps", num_steps)
        self.n_dis = _positive_int("n_dis", n_dis)
        for name, value in (("print_steps", print_steps), ("vis_steps", vis_steps), ("log_steps", log_steps),
                            ("save_steps", save_steps), ("num_vis_images", num_vis_images)):
            _positive_int(name, value)
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
            raise ValueError(f"seed must be a non-negative int or None, got {seed!r}")
        self.log_dir = os.fspath(log_dir)
        self.lr_decay, self.lr_decay_start = lr_decay, lr_decay_start
        self.print_steps, self.vis_steps, self.log_steps, self.save_steps = print_steps, vis_steps, log_steps, save_steps
        self.seed = seed
        self.keep_checkpoints = keep_checkpoints
        self.num_vis_images = num_vis_images
        self.netG_ckpt_file, self.netD_ckpt_file = netG_ckpt_file, netD_ckpt_file
        self.progress = progress
        self.extra_hparams = jsonable(extra_hparams or {})
        if distributed is False:
            self.dist = DistributedContext(device=torch.device(device) if device is not None else torch.device(
                "cuda" if torch.cuda.is_available() else "cpu"))
        else:
            self.dist = init_distributed(device)
            if distributed and not self.dist.enabled:
                raise ValueError("distributed=True, but this process was not launched with several processes "
                                 "(run it with torchrun --nproc_per_node N)")
        self.device = self.dist.device
        if sync_bn and self.dist.enabled and self.device.type != "cuda":
            raise ValueError("sync_bn=True needs CUDA: SyncBatchNorm does not run on CPU")
        self.sync_bn = bool(sync_bn)
        self.channels_last = bool(channels_last)
        if not isinstance(compile, (bool, dict)):
            raise TypeError(f"compile must be a bool or a dict of torch.compile arguments, got {compile!r}")
        self.compile = compile
        self._wrappers = {}
        self.evaluator = evaluator
        if time_limit is not None and not (isinstance(time_limit, (int, float)) and time_limit > 0):
            raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
        self.time_limit = time_limit
        self._deadline = None
        self.last_evaluation = None
        self._last_evaluated_step = None
        self.amp_dtype = self._resolve_amp(amp, amp_dtype)
        self.scalers = self._make_scalers()
        self.schedulers = {name: make_lr_scheduler(opt, lr_decay, num_steps, lr_decay_start) for name, opt in (("G", optG), ("D", optD))}
        data_seed = seed if seed is not None else int.from_bytes(os.urandom(4), "little")
        if self.dist.enabled:  # every rank must shuffle alike: rank 0 chooses the seed
            data_seed = self.dist.all_gather_object(data_seed)[0]
        self.data = DataStream(dataloader, seed=data_seed, rank=self.dist.rank, world_size=self.dist.world_size,
                               batch_size=batch_size, num_workers=num_workers, pin_memory=self.device.type == "cuda")
        self.ema = ExponentialMovingAverage(netG, ema_decay, ema_start) if ema_decay is not None else None
        self.checkpoints = CheckpointManager(self.log_dir, keep_checkpoints)
        self.logger = Logger(self.log_dir, num_steps, print_steps=print_steps, log_steps=log_steps,
                             vis_steps=vis_steps, progress=progress, flush_secs=flush_secs, enabled=self.dist.is_main,
                             reduce=self.dist.all_reduce_mean if self.dist.enabled else None)
        self.global_step = 0
        self.fixed_noise = None
        self.fixed_labels = None
        self._stop_signal = None
        self._last_saved_step = None
        self.export_pretrained = export_pretrained

    # ------------------------------------------------------------------ configuration
    def _resolve_amp(self, amp, amp_dtype):
        if not amp:
            if amp_dtype is not None:
                raise ValueError("amp_dtype is set but amp=False; pass amp=True to use mixed precision")
            return None
        if amp_dtype is None:
            return torch.float16 if self.device.type == "cuda" else torch.bfloat16
        dtype = _AMP_DTYPES.get(amp_dtype, amp_dtype) if isinstance(amp_dtype, str) else amp_dtype
        if dtype not in (torch.float16, torch.bfloat16):
            raise ValueError(f"amp_dtype must be 'float16' or 'bfloat16', got {amp_dtype!r}")
        return dtype

    def _make_scalers(self):
        if self.amp_dtype != torch.float16:
            return {"G": None, "D": None}
        return {name: torch.amp.GradScaler(self.device.type) for name in ("G", "D")}

    def hparams(self):
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
                        "time_limit": self.time_limit,
                        "evaluation": None if self.evaluator is None else self.evaluator.to_config()},
            "versions": versions(),
            "runtime": {"device": str(self.device), "log_dir": os.path.abspath(self.log_dir),
                        "channels_last": self.channels_last, "compile": self.compile},
        }

    @property
    def hparams_path(self):
        """``log_dir/hparams.json``."""
        return os.path.join(self.log_dir, "hparams.json")

    # ------------------------------------------------------------------ state
    def trainer_state(self):
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
        labels = state.get("fixed_labels")
        self.fixed_labels = None if labels is None else labels.to(self.device)
        per_rank = state.get("rng_per_rank")
        if per_rank is not None and len(per_rank) == self.dist.world_size:
            set_rng_state(per_rank[self.dist.rank])
        else:
            if self.dist.enabled:
                warnings.warn(f"the checkpoint's RNG states are from {len(per_rank or [0])} process(es), this run has "
                              f"{self.dist.world_size}: every rank restores rank 0's state", RuntimeWarning, stacklevel=3)
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
                          "so the continuation is not bit-identical to an uninterrupted run", RuntimeWarning, stacklevel=3)
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
    def netG_ema(self):
        """The EMA copy of the generator (eval mode), or ``None`` without ``ema_decay``."""
        return None if self.ema is None else self.ema.shadow

    def _prepare(self):
        memory_format = torch.channels_last if self.channels_last else torch.preserve_format
        for net in (self.netG, self.netD):
            net.to(self.device, memory_format=memory_format)
        if self.ema is not None:
            self.ema.shadow.to(self.device, memory_format=memory_format)
        current = self.hparams()
        check_resume(self.hparams_path, current)  # raises before anything is written
        self.dist.barrier()  # no rank writes before every rank has checked
        fresh = not self.checkpoints.has_checkpoints() and not (self.netG_ckpt_file or self.netD_ckpt_file)
        if fresh and self.seed is not None:
            seed_everything(self.seed)
        self._make_fixed_inputs()
        start = self._restore()
        if start > self.num_steps:
            raise ValueError(f"the newest checkpoint is at step {start}, beyond num_steps={self.num_steps}")
        if self.dist.is_main:
            atomic_write_json(self.hparams_path, current)
        self.global_step = start
        self._last_saved_step = start if start > 0 else None
        self._wrap_networks()
        return start

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
        batches = [self._to_device(self.data.next()) for _ in range(self.n_dis)]  # fetch first: a step never half-happens
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

    def save_checkpoint(self):
        """Checkpoint the current step (after checking losses and weights are finite).

        Returns:
            dict: Paths of the netG, netD and trainer files.

        Raises:
            NonFiniteLossError: Losses or weights are NaN/inf; nothing is written.
        """
        self.logger.check_finite(self.global_step)
        for name, net in (("netG", self.netG), ("netD", self.netD)):
            if not all(bool(torch.isfinite(p).all()) for p in net.parameters()):
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
        if self._deadline is not None and self._stop_signal is None and time.monotonic() > self._deadline:
            self._stop_signal = "time_limit"
        if self.dist.enabled:
            stop = self.dist.any(self._stop_signal is not None)
            if stop and self._stop_signal is None:
                self._stop_signal = "peer"  # another rank stopped (signal or time limit): stop here too
            return stop
        return self._stop_signal is not None

    def _on_signal(self, signum, frame):
        if self._stop_signal is not None:  # second signal: stop now
            raise KeyboardInterrupt
        self._stop_signal = signum

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

    def train(self):
        """Train until ``num_steps`` (resuming from the run's newest checkpoint if there is one).

        Returns:
            dict: ``{'global_step', 'checkpoint': {'netG', 'netD', 'trainer'}, 'log_dir', 'metrics'}``
            where ``metrics`` holds the means of the last logged window.

        Raises:
            HyperparameterMismatchError: ``log_dir`` holds a different run (nothing is changed).
            NonFiniteLossError: A loss became NaN/inf (earlier checkpoints are untouched).
            KeyboardInterrupt: After Ctrl-C, once a checkpoint has been saved (SIGTERM: ``SystemExit``).
        """
        start = self._prepare()
        self._stop_signal = None
        self._deadline = None if self.time_limit is None else time.monotonic() + self.time_limit
        self.logger.start(start)
        if start:
            self.logger.info(f"resumed from step {start} in {self.checkpoints.root}")
        paths, metrics = None, {}
        try:
            with self._signal_handlers():
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
                        self.evaluate()
                if self._last_saved_step != self.global_step:
                    paths = self.save_checkpoint()
                    if self.global_step % self.vis_steps != 0:
                        self.vis()
                elif paths is None:  # resumed a finished run: nothing new to save
                    paths = self._paths(self.global_step)
                if self.evaluator is not None and self._last_evaluated_step != self.global_step and \
                        self._stop_signal in (None, "time_limit", "peer"):
                    self.evaluate()
                self.logger.flush_scalars(self.global_step, self._lrs())
                metrics = dict(self.logger.last_means)
                if self._stop_signal == "time_limit":
                    self.logger.info(f"time limit of {self.time_limit:g} s reached: saved checkpoint at step "
                                     f"{self.global_step}; run again to continue")
                elif self._stop_signal not in (None, "peer"):
                    name = signal.Signals(self._stop_signal).name
                    self.logger.info(f"{name} received: saved checkpoint at step {self.global_step} to "
                                     f"{paths['netG']}; run the same command again to resume")
        finally:
            self.logger.close()
            self._unwrap_networks()
        if self._stop_signal == signal.SIGINT:
            raise KeyboardInterrupt(f"training interrupted at step {self.global_step}; checkpoint saved")
        if self._stop_signal == signal.SIGTERM:
            raise SystemExit(128 + signal.SIGTERM)
        exported = None
        if self.export_pretrained and self.global_step == self.num_steps and self.dist.is_main:
            from torch_gan_zoo.zoo.export import export_trainer  # zoo builds on training: imported only when used

            exported = export_trainer(self, self.export_pretrained)
        return {"global_step": self.global_step, "checkpoint": paths, "log_dir": self.log_dir, "metrics": metrics,
                "evaluation": self.last_evaluation, "stopped": self._stop_signal, "pretrained": exported}

    def evaluate(self):
        """Run the evaluator now (every process must call it under DDP); returns and records the results."""
        if self.evaluator is None:
            raise ValueError("no evaluator: pass Trainer(evaluator=Evaluator(...))")
        netG = self.ema.shadow if (self.ema is not None and self.evaluator.use_ema) else self.netG
        results = self.evaluator.evaluate(netG, self.dist, self.device)
        if self.dist.is_main:
            self.logger.write_metrics(self.global_step, results)
            self.evaluator.record(self.log_dir, self.global_step, results)
        self.last_evaluation = {"step": self.global_step, **results}
        self._last_evaluated_step = self.global_step
        return results

    def vis(self):
        """Write fixed-noise and random sample grids for the current step."""
        netG = self.netG if self.ema is None else self.ema.shadow
        with netG.bypass_wrapper():  # rank 0 alone samples: no collective forward
            return self.logger.vis_images(netG, self.global_step, self.fixed_noise, self.fixed_labels,
                                          seed=self.seed or 0)
