"""``MetricLog``: the scalars one training step measured, grouped for display.

Values are kept as detached tensors on their device, so recording them costs no host-device
synchronisation; they become Python floats only when read (:meth:`MetricLog.means`).
"""

from __future__ import annotations

from collections.abc import Callable

import math
from collections import OrderedDict

import torch

__all__ = ["MetricLog", "MetricWindow", "NonFiniteLossError"]


class NonFiniteLossError(FloatingPointError):
    """A training loss became NaN or infinite. The message names the metric and step."""


def _as_scalar(name, value):
    if torch.is_tensor(value):
        if value.numel() != 1:
            raise ValueError(f"metric {name!r} must be a scalar, got a tensor of shape {tuple(value.shape)}")
        return value.detach().reshape(())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"metric {name!r} must be a number or a scalar tensor, got {type(value).__name__}")


class MetricLog:
    """Scalars recorded during one generator step (its ``n_dis`` discriminator steps included).

    A name recorded several times in a step (e.g. ``errD`` once per discriminator step) keeps every
    value; :meth:`means` averages them, so no discriminator step is dropped from the log.

    >>> log = MetricLog()
    >>> log.add_metric("errD", 1.0, group="loss"); log.add_metric("errD", 3.0, group="loss")
    >>> log.means()["errD"], log["errD"]
    (2.0, 3.0)
    """

    def __init__(self) -> None:
        self._values = OrderedDict()
        self._groups = {}

    def add_metric(self, name: str, value: float | torch.Tensor, group: str | None = None) -> None:
        """Record ``value`` (a number or a scalar tensor) under ``name`` in display group ``group``."""
        self._values.setdefault(name, []).append(_as_scalar(name, value))
        self._groups[name] = group or name

    def get_group_name(self, name: str) -> str:
        """The display group of ``name`` (``name`` itself when recorded without a group)."""
        return self._groups[name]

    def names(self) -> list[str]:
        """Recorded metric names, in first-recorded order."""
        return list(self._values)

    def values(self, name: str) -> list[float | torch.Tensor]:
        """Every value recorded for ``name`` this step (tensors or floats)."""
        return list(self._values[name])

    def __contains__(self, name):
        return name in self._values

    def __len__(self):
        return len(self._values)

    def __getitem__(self, name):
        """The most recent value of ``name`` as a float (Mimicry's behaviour)."""
        return float(self._values[name][-1])

    def means(self) -> dict[str, float]:
        """``{name: mean of this step's values}`` as floats (one host synchronisation in all)."""
        return {name: float(v) for name, v in _mean_values(self._values).items()}


def _mean_values(values):
    """Means of lists of scalars; tensors are reduced together with a single transfer to the host."""
    means = {}
    tensor_names, tensor_means = [], []
    for name, vals in values.items():
        if any(torch.is_tensor(v) for v in vals):
            tensor_names.append(name)
            tensor_means.append(torch.stack([torch.as_tensor(v, dtype=torch.float32).to(_device_of(vals)).float()
                                             for v in vals]).mean())
        else:
            means[name] = sum(vals) / len(vals)
    if tensor_means:
        devices = {t.device for t in tensor_means}
        if len(devices) == 1:
            host = torch.stack(tensor_means).cpu().tolist()
        else:  # pragma: no cover - metrics from several devices
            host = [t.item() for t in tensor_means]
        means.update(zip(tensor_names, host))
    return means


def _device_of(vals):
    for v in vals:
        if torch.is_tensor(v):
            return v.device
    return torch.device("cpu")  # pragma: no cover


class MetricWindow:
    """Accumulates :class:`MetricLog`\\ s over several steps; :meth:`summary` averages and resets.

    Used by the Logger for the console (every ``print_steps``) and TensorBoard (every ``log_steps``).
    """

    def __init__(self) -> None:
        self._values = OrderedDict()
        self._groups = {}
        self.steps = 0

    def update(self, metric_log: MetricLog) -> None:
        """Add one step's values."""
        for name in metric_log.names():
            self._values.setdefault(name, []).extend(metric_log.values(name))
            self._groups[name] = metric_log.get_group_name(name)
        self.steps += 1

    def group_of(self, name: str) -> str:
        """Display group of ``name``."""
        return self._groups.get(name, name)

    def summary(self, reset: bool = True, global_step: int | None = None,
                reduce: Callable[[dict[str, float]], dict[str, float]] | None = None,
                check_finite: bool = True) -> dict[str, float]:
        """``{name: mean}`` over the window as floats; raises :class:`NonFiniteLossError` if a
        loss-group metric is NaN or infinite (naming it and ``global_step``).

        Args:
            reduce (callable, optional): Averages a float64 tensor of the means across processes
                (every process must call ``summary`` at the same step with the same names).
            check_finite (bool): Raise on non-finite losses (off for display-only summaries).
        """
        means = _mean_values(self._values)
        if reduce is not None and means:
            names = sorted(means)
            reduced = reduce(torch.tensor([means[n] for n in names], dtype=torch.float64))
            means = dict(zip(names, reduced.tolist()))
        bad = [n for n, v in means.items() if check_finite and not math.isfinite(v)
               and self._groups.get(n) in ("loss", "regularizer")]
        if reset:
            self._values.clear()
            self.steps = 0
        if bad:
            where = f" by step {global_step}" if global_step is not None else ""
            raise NonFiniteLossError(
                f"non-finite training loss{where}: " + ", ".join(f"{n}={means[n]}" for n in bad)
                + ". Training stopped; checkpoints saved before this point are untouched. Lower the learning "
                "rate, check the data for NaNs/infs, or disable fp16 (amp) and resume from the last checkpoint."
            )
        return means

    def __len__(self):
        return self.steps
