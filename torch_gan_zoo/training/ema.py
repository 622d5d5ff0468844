"""Exponential moving average of generator weights (Karras et al., 2018; Yazici et al., 2019).

The averaged copy usually samples better than the raw generator; the Trainer uses it for sample
grids and exposes it as ``trainer.netG_ema`` for evaluation.
"""
import copy

import torch
import torch.nn as nn

__all__ = ["ExponentialMovingAverage"]


class ExponentialMovingAverage:
    """Keeps ``shadow``, an averaged copy of a model: ``shadow = decay * shadow + (1 - decay) * model``.

    Args:
        model (nn.Module): The model to average (usually the generator).
        decay (float): In [0, 1). Typical: 0.999 to 0.9999.
        start_step (int): Before this step the shadow just copies the model (averaging the random
            initial weights would only slow it down).

    Buffers (batch-norm statistics, spectral-norm vectors) are copied, not averaged. Use
    :meth:`standing_stats` to re-estimate the shadow's batch-norm statistics before evaluation.
    """

    def __init__(self, model, decay=0.9999, start_step=0):
        if not 0.0 <= decay < 1.0:
            raise ValueError(f"EMA decay must be in [0, 1), got {decay}")
        if start_step < 0:
            raise ValueError(f"EMA start_step must be >= 0, got {start_step}")
        self.decay = float(decay)
        self.start_step = int(start_step)
        self.shadow = copy.deepcopy(model)
        if hasattr(self.shadow, "set_call_wrapper"):
            self.shadow.set_call_wrapper(None)
        self.shadow.eval().requires_grad_(False)

    def to_config(self):
        """``{'decay', 'start_step'}``."""
        return {"decay": self.decay, "start_step": self.start_step}

    @torch.no_grad()
    def update(self, model, step):
        """Blend ``model``'s current weights into the shadow after generator step ``step``."""
        shadow_params = list(self.shadow.parameters())
        params = [p.detach() for p in model.parameters()]
        if len(shadow_params) != len(params):
            raise ValueError("the model's parameters no longer match the EMA copy")
        if step < self.start_step:
            torch._foreach_copy_(shadow_params, params)
        else:
            torch._foreach_lerp_(shadow_params, params, 1.0 - self.decay)
        for shadow_buffer, buffer in zip(self.shadow.buffers(), model.buffers()):
            shadow_buffer.copy_(buffer)

    def state_dict(self):
        """The shadow model's state dict."""
        return self.shadow.state_dict()

    def load_state_dict(self, state):
        """Restore the shadow from :meth:`state_dict`."""
        self.shadow.load_state_dict(state)

    @torch.no_grad()
    def standing_stats(self, num_batches=16, batch_size=64, seed=0):
        """Re-estimate the shadow's batch-norm statistics ("standing statistics", Brock et al., 2019).

        Resets every batch-norm layer of the shadow, runs ``num_batches`` batches of generated images
        through it in training mode with cumulative averaging, and returns it to eval mode. The
        global RNG is untouched (a private generator seeded by ``seed`` draws the noise).

        Returns:
            nn.Module: The shadow model.
        """
        norms = [m for m in self.shadow.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
        if not norms:
            return self.shadow
        momenta = [m.momentum for m in norms]
        for m in norms:
            m.reset_running_stats()
            m.momentum = None  # cumulative moving average
        device = next(self.shadow.parameters()).device
        rng = torch.Generator(device="cpu").manual_seed(int(seed))
        self.shadow.train()
        try:
            for _ in range(num_batches):
                z = torch.randn(batch_size, self.shadow.nz, generator=rng).to(device)
                if getattr(self.shadow, "num_classes", None):
                    labels = torch.randint(0, self.shadow.num_classes, (batch_size,), generator=rng).to(device)
                    self.shadow(z, labels)
                else:
                    self.shadow(z)
        finally:
            for m, momentum in zip(norms, momenta):
                m.momentum = momentum
            self.shadow.eval()
        return self.shadow
