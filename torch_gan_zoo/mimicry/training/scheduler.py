"""``torch_mimicry.training.scheduler``: :class:`LRScheduler` (constant or linear decay to 0)."""
__all__ = ["LRScheduler"]


class LRScheduler:
    """Sets both optimisers' learning rates each step: ``lr_decay`` ``None``/``'None'`` keeps them,
    ``'linear'`` decays them linearly from their initial values at ``start_step`` to 0 at ``num_steps``."""

    def __init__(self, lr_decay, optD, optG, num_steps, start_step=0, **kwargs):
        if lr_decay not in (None, "None", "linear"):
            raise NotImplementedError(f"lr_decay {lr_decay} is not currently supported.")
        self.lr_decay = lr_decay
        self.optD, self.optG = optD, optG
        self.num_steps, self.start_step = num_steps, start_step
        self.lr_D = optD.param_groups[0]["lr"]
        self.lr_G = optG.param_groups[0]["lr"]

    def linear_decay(self, optimizer, global_step, lr_value_range, lr_step_range):
        """Set ``optimizer``'s lr by linear interpolation of ``lr_value_range`` (v1, v2) over
        ``lr_step_range`` (s1, s2), clamped outside it; returns the lr."""
        (v1, v2), (s1, s2) = lr_value_range, lr_step_range
        if global_step <= s1:
            lr = v1
        elif global_step >= s2:
            lr = v2
        else:
            lr = v1 + (global_step - s1) / (s2 - s1) * (v2 - v1)
        optimizer.param_groups[0]["lr"] = lr
        return lr

    def step(self, log_data, global_step):
        """Update the learning rates for ``global_step``; log ``lr_D``/``lr_G`` (group ``lr``)."""
        if self.lr_decay == "linear":
            lr_D = self.linear_decay(self.optD, global_step, (self.lr_D, 0.0), (self.start_step, self.num_steps))
            lr_G = self.linear_decay(self.optG, global_step, (self.lr_G, 0.0), (self.start_step, self.num_steps))
        else:
            lr_D, lr_G = self.lr_D, self.lr_G
        log_data.add_metric("lr_D", lr_D, group="lr", precision=6)
        log_data.add_metric("lr_G", lr_G, group="lr", precision=6)
        return log_data
