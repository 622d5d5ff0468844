"""``torch_mimicry.training.metric_log``: :class:`MetricLog` with Mimicry's ``precision``,
``keys()``, ``items()`` and rounded ``log_data[name]``, on this library's MetricLog."""
from torch_gan_zoo.training import metric_log as _metric_log

__all__ = ["MetricLog"]


class MetricLog(_metric_log.MetricLog):
    """Named scalar metrics of one training step, each with a display group and a precision."""

    def __init__(self, **kwargs):
        super().__init__()
        self._precision = {}

    def add_metric(self, name, value, group=None, precision=4):
        """Record ``value`` (float or 0-dim tensor) under ``name`` in ``group``, shown to ``precision``
        decimals."""
        super().add_metric(name, value, group=group)
        self._precision[name] = precision

    def __getitem__(self, key):
        """The value of ``key`` rounded to its precision (float)."""
        return round(float(super().__getitem__(key)), self._precision.get(key, 4))

    def get_group_name(self, name):
        """The display group of ``name``."""
        return super().get_group_name(name)

    def keys(self):
        """The metric names."""
        return list(self.names())

    def items(self):
        """``(name, {'value', 'group', 'precision'})`` pairs, as Mimicry's ``metrics_dict.items()``."""
        return [(name, {"value": float(super(MetricLog, self).__getitem__(name)), "group": self.get_group_name(name),
                        "precision": self._precision.get(name, 4)}) for name in self.names()]
