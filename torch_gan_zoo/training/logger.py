"""``Logger``: console (progress bar and log lines), a ``train.log`` file, TensorBoard scalars and
image grids, and PNG sample grids on disk.

Only the process that owns the run's files (rank 0) writes; the others keep the Logger disabled.
Sampling images never touches the global RNG, so logging more or less often cannot change training.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
import torch.nn as nn
from torch_gan_zoo.config.validation import check_positive_int
from torch_gan_zoo.training.metric_log import MetricLog

import logging
import os
import time

import torch
import torchvision.utils as vutils
from tqdm.auto import tqdm

from torch_gan_zoo.training.metric_log import MetricWindow
from torch_gan_zoo.utils.io import atomic_write, fsync_dir

__all__ = ["Logger"]

_BAR_KEYS = ("errD", "errG", "D(x)", "D(G(z))")


def _fmt(value):
    return f"{value:.4g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"


def rotate_log(path: str | os.PathLike[str], max_bytes: int, backups: int) -> bool:
    """If ``path`` is larger than ``max_bytes``, shift ``path.1 .. path.<backups-1>`` up by one and
    rename ``path`` to ``path.1`` (each step an atomic rename, then one directory fsync), so no line is
    ever lost or half-copied; the oldest backup beyond ``backups`` is dropped.

    Returns:
        bool: Whether the file was rotated.
    """
    if backups < 1 or not os.path.isfile(path) or os.path.getsize(path) <= max_bytes:
        return False
    for index in range(backups - 1, 0, -1):
        older = f"{path}.{index}"
        if os.path.exists(older):
            os.replace(older, f"{path}.{index + 1}")
    os.replace(path, f"{path}.1")
    fsync_dir(os.path.dirname(os.path.abspath(path)))
    return True


class Logger:
    """Writes what the Trainer measures.

    Args:
        log_dir (str): The run's directory: TensorBoard events go to ``log_dir/tensorboard``, sample
            grids to ``log_dir/images``, text to ``log_dir/train.log``.
        num_steps (int): Total generator steps (for the progress bar and ETA).
        print_steps (int): Refresh the progress bar's losses every this many steps.
        log_steps (int): Write averaged scalars to TensorBoard and a log line every this many steps.
        vis_steps (int): Write sample grids every this many steps.
        enabled (bool): Write anything at all (False on non-zero ranks).
        progress (bool): Show a tqdm progress bar (steps/s, losses, ETA).
        flush_secs (int): TensorBoard flush interval.
        reduce (callable, optional): Averages logged means across processes (DDP); every process
            then calls :meth:`step`, :meth:`flush_scalars` and :meth:`check_finite` at the same steps.

    ``train.log`` is an append-only log: each line is flushed as it is written and the file is
    fsynced when the Logger closes; when a run starts with a ``train.log`` larger than
    :attr:`max_log_bytes`, it is rotated (``train.log.1``, ... up to :attr:`log_backups`) by atomic
    renames. Sample grids are written atomically. TensorBoard event files are append-only logs
    written by TensorBoard's own writer (a killed run leaves a complete prefix of its events).
    """

    #: ``train.log`` is rotated at start when larger than this many bytes.
    max_log_bytes = 50 * 2 ** 20
    #: Rotated copies kept (``train.log.1`` is the newest).
    log_backups = 3

    def __init__(self, log_dir: str | os.PathLike[str], num_steps: int, print_steps: int = 1, log_steps: int = 50,
                 vis_steps: int = 500, enabled: bool = True, progress: bool = True, flush_secs: float = 30,
                 reduce: Callable[[dict[str, float]], dict[str, float]] | None = None) -> None:
        for name, value in (("print_steps", print_steps), ("log_steps", log_steps), ("vis_steps", vis_steps)):
            check_positive_int(name, value)
        self.log_dir = log_dir
        self.num_steps = num_steps
        self.print_steps = print_steps
        self.log_steps = log_steps
        self.vis_steps = vis_steps
        self.enabled = enabled
        self.progress = progress
        self.flush_secs = flush_secs
        self.reduce = reduce
        self.console_window = MetricWindow()
        self.tb_window = MetricWindow()
        self._writer = None
        self._bar = None
        self._logger = None
        self._last_refresh = 0.0
        self._last_time = None
        self._last_step = None
        #: The means written by the last :meth:`flush_scalars`.
        self.last_means = {}

    # ------------------------------------------------------------------ setup / teardown
    @property
    def writer(self) -> Any:
        """The TensorBoard ``SummaryWriter`` (created on first use, so nothing is written before training starts)."""
        if self._writer is None and self.enabled:
            from torch.utils.tensorboard import SummaryWriter

            self._writer = SummaryWriter(os.path.join(self.log_dir, "tensorboard"), flush_secs=self.flush_secs)
        return self._writer

    def start(self, global_step: int) -> None:
        """Open the text log and the progress bar at ``global_step``."""
        self._last_time, self._last_step = time.perf_counter(), global_step
        if not self.enabled:
            return
        self._logger = logging.getLogger(f"torch_gan_zoo.train.{os.path.abspath(self.log_dir)}")
        self._logger.setLevel(logging.INFO)
        self._logger.propagate = False
        if not self._logger.handlers:
            os.makedirs(self.log_dir, exist_ok=True)
            log_path = os.path.join(self.log_dir, "train.log")
            rotate_log(log_path, self.max_log_bytes, self.log_backups)
            handler = logging.FileHandler(log_path, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
            self._logger.addHandler(handler)
        if self.progress:
            self._bar = tqdm(total=self.num_steps, initial=global_step, desc="train", unit="step",
                             dynamic_ncols=True, smoothing=0.05)

    def info(self, message: str) -> None:
        """Print ``message`` (above the progress bar) and append it to ``train.log``."""
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.write(message)
        else:
            print(message, flush=True)
        if self._logger is not None:
            self._logger.info(message)

    def close(self) -> None:
        """Flush and close the progress bar, TensorBoard writer and text log."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self._writer is not None:
            self._writer.flush()
            self._writer.close()
            self._writer = None
        if self._logger is not None:
            for handler in list(self._logger.handlers):
                stream = getattr(handler, "stream", None)
                if stream is not None and hasattr(stream, "fileno"):
                    try:
                        handler.flush()
                        os.fsync(stream.fileno())
                    except (OSError, ValueError):  # closed or unsupported stream: nothing more to make durable
                        pass
                handler.close()
                self._logger.removeHandler(handler)
            self._logger = None

    # ------------------------------------------------------------------ per step
    def step(self, global_step: int, metric_log: MetricLog, lr: float | None = None) -> None:
        """Record one finished generator step (``global_step`` counts finished steps).

        Raises:
            NonFiniteLossError: A loss became NaN/inf (checked when the windows are summarised).
        """
        self.console_window.update(metric_log)
        self.tb_window.update(metric_log)
        if self._bar is not None:
            self._bar.update(1)
            now = time.perf_counter()
            if global_step % self.print_steps == 0 and now - self._last_refresh >= 0.5:
                means = self.console_window.summary(global_step=global_step, check_finite=False)
                self._bar.set_postfix({k: _fmt(means[k]) for k in _BAR_KEYS if k in means}, refresh=False)
                self._last_refresh = now
        if global_step % self.log_steps == 0 or global_step == self.num_steps:
            self.flush_scalars(global_step, lr)

    def check_finite(self, global_step: int) -> None:
        """Raise :class:`NonFiniteLossError` if a loss recorded since the last flush is NaN/inf.

        The Trainer calls it before every checkpoint, so NaN weights are never saved; nothing is
        written or reset.
        """
        self.tb_window.summary(reset=False, global_step=global_step, reduce=self.reduce)

    def flush_scalars(self, global_step: int, lr: float | None = None) -> dict[str, float]:
        """Write the averaged scalars since the last flush to TensorBoard and a log line
        (every ``log_steps`` and at the end of training)."""
        if len(self.tb_window) == 0:
            return {}
        steps = len(self.tb_window)
        means = self.tb_window.summary(global_step=global_step, reduce=self.reduce)
        self.console_window.summary(global_step=global_step, check_finite=False)
        self.last_means = means
        now = time.perf_counter()
        rate = 0.0
        if self._last_step is not None:
            rate = (global_step - self._last_step) / max(now - self._last_time, 1e-9)
        self._last_time, self._last_step = now, global_step
        if not self.enabled:
            return means
        for name, value in means.items():
            self.writer.add_scalar(f"{self.tb_window.group_of(name)}/{name}", value, global_step)
        if lr is not None:
            for name, value in lr.items():
                self.writer.add_scalar(f"lr/{name}", value, global_step)
        self.writer.add_scalar("speed/steps_per_sec", rate, global_step)
        parts = " ".join(f"{name} {_fmt(value)}" for name, value in means.items())
        lr_text = " ".join(f"lr_{k} {v:.3g}" for k, v in (lr or {}).items())
        line = f"[step {global_step}/{self.num_steps}] {parts} | {rate:.2f} steps/s over {steps} steps {lr_text}"
        self.info(line.rstrip())
        return means

    def write_metrics(self, global_step: int, results: Mapping[str, Any]) -> None:
        """Write evaluation results (``{'fid': 12.3, ...}``) to TensorBoard (``metrics/<name>``) and a log line."""
        if not self.enabled or not results:
            return
        for name, value in results.items():
            self.writer.add_scalar(f"metrics/{name}", value, global_step)
        self.info(f"[step {global_step}/{self.num_steps}] evaluation: "
                  + " ".join(f"{name} {_fmt(value)}" for name, value in results.items()))

    # ------------------------------------------------------------------ images
    @torch.no_grad()
    def vis_images(self, netG: nn.Module, global_step: int, fixed_noise: torch.Tensor,
                   fixed_labels: torch.Tensor | None = None, num_random: int | None = None,
                   seed: int = 0) -> dict[str, str]:
        """Write grids of fixed-noise and random samples to TensorBoard and ``log_dir/images``.

        The generator is put in eval mode and restored afterwards; random samples come from a
        private generator seeded by ``(seed, global_step)``, so the global RNG is untouched.

        Args:
            netG: Generator (``netG(z)`` or ``netG(z, y)`` when conditional).
            fixed_noise (Tensor): (K, nz) latents reused at every call.
            fixed_labels (Tensor, optional): (K,) classes for a conditional generator.
            num_random (int, optional): Random samples to draw (default K).

        Returns:
            dict: Paths of the PNG files written.
        """
        if not self.enabled:
            return {}
        was_training = netG.training
        netG.eval()
        try:
            device = fixed_noise.device
            rng = torch.Generator(device="cpu").manual_seed(int(seed) * 1000003 + int(global_step))
            num_random = num_random or fixed_noise.shape[0]
            random_noise = torch.randn(num_random, fixed_noise.shape[1], generator=rng).to(device)
            if fixed_labels is not None:
                random_labels = torch.randint(0, int(netG.num_classes), (num_random,), generator=rng).to(device)
                batches = {"fixed_samples": netG(fixed_noise, fixed_labels),
                           "random_samples": netG(random_noise, random_labels)}
            else:
                batches = {"fixed_samples": netG(fixed_noise), "random_samples": netG(random_noise)}
        finally:
            netG.train(was_training)
        paths = {}
        image_dir = os.path.join(self.log_dir, "images")
        os.makedirs(image_dir, exist_ok=True)
        for tag, images in batches.items():
            images = images.detach().float().cpu().clamp(-1, 1)
            nrow = max(1, int(round(images.shape[0] ** 0.5)))
            grid = vutils.make_grid(images, nrow=nrow, normalize=True, value_range=(-1, 1), padding=2)
            self.writer.add_image(f"images/{tag}", grid, global_step)
            path = os.path.join(image_dir, f"{tag}_step_{global_step:07d}.png")
            _save_png(grid, path)
            paths[tag] = path
        return paths


def _save_png(grid, path):
    """Save a (3, H, W) float grid in [0, 1] as PNG, atomically."""
    from PIL import Image

    array = grid.mul(255).add_(0.5).clamp_(0, 255).to(torch.uint8).permute(1, 2, 0).numpy()
    with atomic_write(path, "wb") as f:
        Image.fromarray(array).save(f, format="PNG")
