"""Discriminator regularisers that compose with any GAN variant.

Each is called by ``BaseDiscriminator.compute_regularizers`` once per discriminator step as::

    reg(netD, real_images=..., real_labels=..., fake_images=..., fake_labels=..., output_real=...,
        output_fake=..., global_step=..., scaler=..., amp_dtype=...)

and returns a float32 scalar tensor, already weighted, that the train step adds to the discriminator
loss before its single optimiser step. ``netD`` is only used through ``netD.discriminate(images,
labels)`` (images float (N, C, H, W) in [-1, 1] -> logits (N, 1)), so nothing here knows a model class.

==========================  ====================================================================
regulariser                 value
==========================  ====================================================================
``GradientPenalty``         ``weight * mean_i (||grad_x D(x_hat_i)|| - center)^2``, ``x_hat_i`` on
                            the segment between real ``x_i`` and fake ``x~_i`` (Gulrajani et al. 2017)
``R1Penalty``               ``gamma / 2 * mean_i ||grad_x D(x_i)||^2`` on real images (Mescheder et
                            al. 2018); lazily every ``every`` steps, scaled by ``every`` (StyleGAN2)
``LeCamRegularizer``        ``weight * (mean relu(D(x) - a_fake)^2 + mean relu(a_real - D(G(z)))^2)``
                            with EMA anchors ``a_real``, ``a_fake`` of D's outputs (Tseng et al. 2021)
``ConsistencyRegularizer``  ``weight * mean_i ||D(x_i) - D(T(x_i))||^2`` on real images (Zhang et al.
                            2020), plus the same on fakes with ``fake_weight`` (bCR, Zhao et al. 2021)
==========================  ====================================================================

Build them from JSON configs with :func:`build_regularizer` (``{'name': 'lecam', 'weight': 0.3}``).
The same function builds the one generator-side regulariser, mode seeking (``{'name': 'mode_seeking',
'weight': 1.0}``, :class:`~torch_gan_zoo.losses.mode_seeking.ModeSeekingRegularizer`), which has
``applies_to == 'generator'`` and is attached to the generator instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import contextlib

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_gan_zoo.losses.mode_seeking import ModeSeekingRegularizer

__all__ = [
    "GradientPenalty",
    "R1Penalty",
    "LeCamRegularizer",
    "ConsistencyRegularizer",
    "REGULARIZERS",
    "build_regularizer",
    "input_gradients",
]


def _autocast(device, amp_dtype):
    if amp_dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=torch.device(device).type, dtype=amp_dtype)


def input_gradients(netD: nn.Module, images: torch.Tensor, labels: torch.Tensor | None = None,
                    scaler: torch.amp.GradScaler | None = None,
                    amp_dtype: torch.dtype | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-sample gradients of the discriminator's logits with respect to its input images.

    Computes ``grad_x sum_i D(x_i)`` with ``create_graph=True`` so that a penalty on it trains D. As D
    scores every sample independently (no batch statistics), row ``i`` is ``grad D(x_i)`` at ``x_i``.

    Under fp16 mixed precision pass the step's ``scaler`` (``torch.amp.GradScaler``): the gradient is
    taken of ``scaler.scale(output)`` so small values survive in fp16, then multiplied by
    ``1 / scaler.get_scale()`` (the gradient-penalty recipe of the PyTorch AMP documentation).

    Args:
        netD: Has ``discriminate(images, labels)`` returning logits (N, 1).
        images: float (N, C, H, W); detached and made a leaf here.
        labels: (N,) long or ``None``.
        scaler: GradScaler or ``None``. amp_dtype: autocast dtype or ``None``.

    Returns:
        tuple: ``(gradients, output)``: float32 (N, C, H, W) and the logits (N, 1).
    """
    images = images.detach().float().requires_grad_(True)
    with _autocast(images.device, amp_dtype):
        output = netD.discriminate(images, labels)
    total = output.float().sum()
    if scaler is None:
        (grad,) = torch.autograd.grad(total, images, create_graph=True)
    else:
        (grad,) = torch.autograd.grad(scaler.scale(total), images, create_graph=True)
        grad = grad * (1.0 / scaler.get_scale())
    return grad.float(), output


class GradientPenalty:
    """The WGAN-GP gradient penalty (Gulrajani et al., 2017), per sample.

    Each sample gets its own interpolation factor ``eps_i ~ U[0, 1)`` and its own gradient norm:
    ``x_hat_i = eps_i x_i + (1 - eps_i) x~_i`` with the fake images detached, and the penalty is
    ``weight * mean_i (||grad D(x_hat_i)||_2 - center)^2``. Conditional discriminators score the
    interpolates with the real labels.

    Args:
        weight (float): lambda (paper: 10).
        center (float): Target gradient norm: 1 for WGAN-GP, 0 for the zero-centred penalty
            (Thanh-Tung et al., 2019), computed as the squared norm so it is smooth at 0.
    """

    name = "gradient_penalty"

    def __init__(self, weight: float = 10.0, center: float = 1.0) -> None:
        if weight < 0:
            raise ValueError(f"weight must be >= 0, got {weight}")
        self.weight = float(weight)
        self.center = float(center)

    def __call__(self, netD, *, real_images, fake_images, real_labels=None, scaler=None, amp_dtype=None, **context):
        """The weighted penalty, a float32 scalar tensor."""
        real = real_images.detach().float()
        fake = fake_images.detach().float()
        if real.shape != fake.shape:
            raise ValueError(f"gradient penalty needs real and fake batches of one shape, got {tuple(real.shape)} "
                             f"and {tuple(fake.shape)}")
        eps = torch.rand(real.shape[0], 1, 1, 1, device=real.device)
        interpolates = eps * real + (1.0 - eps) * fake
        grad, _ = input_gradients(netD, interpolates, real_labels, scaler, amp_dtype)
        if self.center == 0.0:
            penalty = grad.pow(2).flatten(1).sum(1)
        else:
            penalty = (grad.flatten(1).norm(2, dim=1) - self.center).pow(2)
        return self.weight * penalty.mean()

    def to_config(self) -> dict[str, Any]:
        """``{'name': 'gradient_penalty', 'weight': ..., 'center': ...}``."""
        return {"name": self.name, "weight": self.weight, "center": self.center}

    def __repr__(self):
        return f"GradientPenalty(weight={self.weight}, center={self.center})"


class R1Penalty:
    """R1 regularisation (Mescheder et al., 2018): ``gamma / 2 * mean_i ||grad_x D(x_i)||^2`` on real images.

    Args:
        gamma (float): Weight gamma (StyleGAN2 uses 10 at 1024 px; small images often need less).
        every (int): Lazy regularisation (Karras et al., 2020): apply only when ``global_step % every
            == 0`` and multiply by ``every`` there, so the average strength is unchanged; other steps
            return 0. ``global_step`` counts generator steps, so with ``n_dis > 1`` every
            discriminator step of such a generator step is regularised.
    """

    name = "r1"

    def __init__(self, gamma: float = 10.0, every: int = 1) -> None:
        if gamma < 0:
            raise ValueError(f"gamma must be >= 0, got {gamma}")
        if not isinstance(every, int) or isinstance(every, bool) or every < 1:
            raise ValueError(f"every must be a positive int, got {every!r}")
        self.gamma = float(gamma)
        self.every = every

    def __call__(self, netD, *, real_images, real_labels=None, global_step=None, scaler=None, amp_dtype=None,
                 **context):
        """The weighted penalty, a float32 scalar tensor (0 on skipped lazy steps)."""
        if self.every > 1:
            if global_step is None:
                raise ValueError("R1Penalty(every>1) needs global_step to know which steps to regularise")
            if global_step % self.every:
                return torch.zeros((), device=real_images.device)
        grad, _ = input_gradients(netD, real_images, real_labels, scaler, amp_dtype)
        return (self.gamma / 2 * self.every) * grad.pow(2).flatten(1).sum(1).mean()

    def to_config(self) -> dict[str, Any]:
        """``{'name': 'r1', 'gamma': ..., 'every': ...}``."""
        return {"name": self.name, "gamma": self.gamma, "every": self.every}

    def __repr__(self):
        return f"R1Penalty(gamma={self.gamma}, every={self.every})"


class LeCamRegularizer(nn.Module):
    """LeCam regularisation (Tseng et al., Regularizing GANs under Limited Data, CVPR 2021).

    Keeps exponential moving averages ``a_real`` and ``a_fake`` of the discriminator's mean logit on
    real and on generated images (updated first, each step, with the step's outputs) and returns

        ``weight * (mean relu(D(x) - a_fake)^2 + mean relu(a_real - D(G(z)))^2)``

    as the authors' code does (``one_sided=False`` drops the ``relu``, the paper's Eq. 3).

    The anchors are buffers: attach the regulariser with ``netD.add_regularizer(...)`` so it becomes a
    submodule, its anchors sit in ``netD.state_dict()`` (checkpointed, resumed exactly) and follow
    ``netD.to(device)``.

    Args:
        weight (float): lambda (StudioGAN's CIFAR-10 setting: 0.3).
        decay (float): EMA decay (paper: 0.99).
        start (int): Before this generator step the anchors just follow the current batch (decay 0),
            as in the authors' and StudioGAN's code (1000).
        one_sided (bool): Clip with ``relu`` as the authors' code does.
    """

    name = "lecam"

    def __init__(self, weight: float = 0.3, decay: float = 0.99, start: int = 1000, one_sided: bool = True) -> None:
        super().__init__()
        if weight < 0 or not 0 <= decay < 1:
            raise ValueError(f"need weight >= 0 and 0 <= decay < 1, got weight={weight}, decay={decay}")
        self.weight = float(weight)
        self.decay = float(decay)
        self.start = int(start)
        self.one_sided = bool(one_sided)
        self.register_buffer("ema_real", torch.zeros(()))
        self.register_buffer("ema_fake", torch.zeros(()))
        self.register_buffer("num_updates", torch.zeros((), dtype=torch.long))

    @torch.no_grad()
    def update(self, output_real: torch.Tensor, output_fake: torch.Tensor, global_step: int | None = None) -> None:
        """Move the anchors towards the batch means of ``output_real`` and ``output_fake`` (logits).

        The first update (and every update before step ``start``) sets them to the batch means.
        """
        if self.ema_real.device != output_real.device:
            self.to(output_real.device)
        decay = 0.0 if global_step is not None and global_step < self.start else self.decay
        decay = torch.where(self.num_updates > 0, decay, 0.0)
        self.ema_real.copy_(decay * self.ema_real + (1 - decay) * output_real.detach().float().mean())
        self.ema_fake.copy_(decay * self.ema_fake + (1 - decay) * output_fake.detach().float().mean())
        self.num_updates += 1

    def forward(self, netD: nn.Module, *, output_real: torch.Tensor, output_fake: torch.Tensor,
                global_step: int | None = None, **context: Any) -> torch.Tensor:
        """Update the anchors, then return the weighted regulariser (float32 scalar tensor).

        Raises:
            RuntimeError: ``netD`` is a network this regulariser is not a submodule of (it was appended
                to ``netD.regularizers`` instead of attached with ``netD.add_regularizer``), so its
                anchors would be missing from checkpoints.
        """
        if isinstance(netD, nn.Module) and getattr(netD, f"regularizer_{self.name}", None) is not self:
            raise RuntimeError("attach LeCamRegularizer with netD.add_regularizer(...) so that its moving averages "
                               "are part of netD's state_dict and checkpoints")
        self.update(output_real, output_fake, global_step)
        real = output_real.float().reshape(-1) - self.ema_fake
        fake = self.ema_real - output_fake.float().reshape(-1)
        if self.one_sided:
            real, fake = F.relu(real), F.relu(fake)
        return self.weight * (real.pow(2).mean() + fake.pow(2).mean())

    def to_config(self) -> dict[str, Any]:
        """``{'name': 'lecam', 'weight': ..., 'decay': ..., 'start': ..., 'one_sided': ...}``."""
        return {"name": self.name, "weight": self.weight, "decay": self.decay, "start": self.start,
                "one_sided": self.one_sided}

    def extra_repr(self) -> str:
        return f"weight={self.weight}, decay={self.decay}, start={self.start}, one_sided={self.one_sided}"


class ConsistencyRegularizer:
    """Consistency regularisation (Zhang et al., ICLR 2020) and its balanced form bCR (Zhao et al., AAAI 2021).

    ``weight * mean_i ||D(x_i) - D(T(x_i))||^2`` over the real batch, where ``D(x_i)`` is the step's
    logit ``output_real`` and ``T`` is ``augment``; with ``fake_weight > 0`` the same term on the
    generated batch is added with that weight (bCR). Gradients flow through both outputs, as in the
    paper. With ``netD.augment`` set, ``T`` comes on top of it.

    Args:
        augment: Callable ``images -> images`` with ``to_config()``, e.g.
            ``DiffAugment('flip,translation')`` (the paper's flips and shifts).
        weight (float): lambda_real (paper: 10).
        fake_weight (float): lambda_fake of bCR (paper: 10); 0 gives plain CR.
    """

    name = "consistency"

    def __init__(self, augment: Callable[..., Any], weight: float = 10.0, fake_weight: float = 0.0) -> None:
        if not callable(augment) or not hasattr(augment, "to_config"):
            raise TypeError("ConsistencyRegularizer needs an augmentation: a callable images -> images with "
                            "to_config(), e.g. DiffAugment('flip,translation')")
        if weight < 0 or fake_weight < 0:
            raise ValueError(f"weights must be >= 0, got weight={weight}, fake_weight={fake_weight}")
        self.augment = augment
        self.weight = float(weight)
        self.fake_weight = float(fake_weight)

    @staticmethod
    def _squared_distance(a, b):
        return (a.float() - b.float()).pow(2).flatten(1).sum(1).mean()

    def __call__(self, netD, *, real_images, output_real, real_labels=None, fake_images=None, fake_labels=None,
                 output_fake=None, amp_dtype=None, **context):
        """The weighted regulariser, a float32 scalar tensor."""
        with _autocast(real_images.device, amp_dtype):
            augmented_real = netD.discriminate(self.augment(real_images), real_labels)
        value = self.weight * self._squared_distance(output_real, augmented_real)
        if self.fake_weight > 0:
            if fake_images is None or output_fake is None:
                raise ValueError("bCR (fake_weight > 0) needs fake_images and output_fake")
            with _autocast(real_images.device, amp_dtype):
                augmented_fake = netD.discriminate(self.augment(fake_images.detach()), fake_labels)
            value = value + self.fake_weight * self._squared_distance(output_fake, augmented_fake)
        return value

    def to_config(self) -> dict[str, Any]:
        """``{'name': 'consistency', 'weight': ..., 'fake_weight': ..., 'augment': {...}}``."""
        return {"name": self.name, "weight": self.weight, "fake_weight": self.fake_weight,
                "augment": self.augment.to_config()}

    def __repr__(self):
        return f"ConsistencyRegularizer(augment={self.augment!r}, weight={self.weight}, fake_weight={self.fake_weight})"


#: Regulariser name (and aliases) -> class, for :func:`build_regularizer`.
REGULARIZERS = {
    "gradient_penalty": GradientPenalty,
    "gp": GradientPenalty,
    "r1": R1Penalty,
    "lecam": LeCamRegularizer,
    "consistency": ConsistencyRegularizer,
    "cr": ConsistencyRegularizer,
    "mode_seeking": ModeSeekingRegularizer,  # generator-side (``applies_to == 'generator'``)
}

#: The transformation of CR when its config names none: random flips and shifts of up to 1/8.
DEFAULT_CONSISTENCY_AUGMENT = {"name": "diffaugment", "policy": "flip,translation"}


def build_regularizer(config: str | Mapping[str, Any],
                      build_augment: Callable[[Any], Any] | None = None) -> Any:
    """A regulariser from a config (as written by its ``to_config()``) or a bare name.

    Args:
        config (dict or str): ``{'name': 'lecam', 'weight': 0.3}`` or ``'r1'``; other keys are the
            constructor's arguments.
        build_augment (callable, optional): Turns an augmentation config into an augmentation; needed
            for ``consistency`` (whose ``augment`` defaults to :data:`DEFAULT_CONSISTENCY_AUGMENT`).
            Pass :func:`torch_gan_zoo.modules.diffaugment.build_augment`.

    Raises:
        ValueError: Unknown name (the message lists the known ones), or a missing ``build_augment``.
        TypeError: Unknown constructor arguments.
    """
    kwargs = {"name": config} if isinstance(config, str) else dict(config)
    name = str(kwargs.pop("name", "")).lower()
    if name not in REGULARIZERS:
        raise ValueError(f"unknown regularizer {name!r}; available: {sorted(REGULARIZERS)}")
    cls = REGULARIZERS[name]
    if cls is ConsistencyRegularizer:
        augment = kwargs.pop("augment", DEFAULT_CONSISTENCY_AUGMENT)
        if not callable(augment):
            if build_augment is None:
                raise ValueError("building a consistency regularizer from a config needs build_augment "
                                 "(torch_gan_zoo.modules.build_augment)")
            augment = build_augment(augment)
        kwargs["augment"] = augment
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise TypeError(f"bad arguments for regularizer {name!r}: {exc}") from exc
