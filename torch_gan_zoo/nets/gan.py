"""Unconditional GAN bases: :class:`BaseGenerator` and :class:`BaseDiscriminator`.

A variant subclasses these, builds its layers and writes ``forward``. The two ``train_step`` methods
here are the library's only train-step skeleton (zero the gradients, generate fakes, freeze D during
the G step, add the regularisers, one optimiser step on the summed loss, log); a variant whose
*losses* differ overrides the hooks that return them, as StyleGAN2-ADA separates ``training_loop``
from ``loss``:

* :meth:`BaseDiscriminator.compute_discriminator_losses` and
  :meth:`BaseGenerator.compute_generator_losses`: the forward passes of a step and its named loss
  terms (:class:`LossTerm`: an auxiliary classifier's, a rotation or an InfoNCE term). Both return
  :class:`StepLosses`: ``{name: LossTerm}`` with the discriminator logits the terms came from;
* :meth:`BaseDiscriminator.compute_gan_loss` and :meth:`BaseGenerator.compute_gan_loss`: only the
  adversarial loss (label smoothing, another loss function);
* :meth:`BaseDiscriminator.compute_regularizers` and :meth:`BaseGenerator.compute_weight_regularizers`:
  terms logged in group ``regularizer`` (attached regularisers, BigGAN's orthogonal regularisation).

What a subclass must respect is enforced, not only documented: every forward pass goes through
``self(...)``, which applies the step's autocast (:meth:`~torch_gan_zoo.nets.BaseModel.forward_autocast`)
and any DDP / compile wrapper, and ``__call__`` cannot be overridden; a hook defined on the wrong
network, with a signature the step cannot call, or under a near-miss name (``compute_generator_loss``)
is refused when the class is created; a hook that scores images without calling the network (through
``.forward``) and what a hook returns are checked at every step.
"""
from __future__ import annotations

import difflib
import inspect
import warnings
from typing import Any, NamedTuple

import torch
import torch.nn as nn

from torch_gan_zoo.losses import build_regularizer, discriminator_loss, generator_loss, resolve_loss_type
from torch_gan_zoo.modules.diffaugment import build_augment
from torch_gan_zoo.nets.basemodel import BaseModel

__all__ = ["BaseGenerator", "BaseDiscriminator", "LossTerm", "StepLosses", "split_batch", "total_loss"]


class LossTerm(NamedTuple):
    """One named term of a train step's loss, as the loss hooks return it (``{name: LossTerm}``).

    The train step optimises the sum of ``weight * value`` over its terms (one backward pass, one
    optimiser step) and logs ``value`` under the term's name in display group ``group``. So whether
    a logged value is weighted is decided here, in one place: it is weighted exactly when the weight
    is part of ``value`` (``weight`` 1), and unweighted when the weight is given as ``weight``.

    ===============================================================  ==========  ===============
    term                                                             logged      group
    ===============================================================  ==========  ===============
    ``errD``, ``errG`` (adversarial)                                 as is       ``loss``
    ``errD_cond``, ``errG_cond`` (auxiliary variants)                unweighted  ``loss``
    ``errD_IM``, ``errG_IM`` (InfoMax-GAN), ``errG_SS`` (SSGAN)      weighted    ``loss``
    ``errD_SS`` (SSGAN), attached regularisers, ``ortho`` (BigGAN)   weighted    ``regularizer``
    ``mode_seeking`` (generator regulariser, MSGAN)                  weighted    ``regularizer``
    ===============================================================  ==========  ===============
    """

    #: Scalar tensor, float32 (losses are computed outside autocast, or upcast), with a graph to the
    #: trained network's weights.
    value: torch.Tensor
    #: Factor of ``value`` in the optimised loss (default 1).
    weight: float = 1.0
    #: Display group of the logged value in the :class:`~torch_gan_zoo.training.MetricLog`.
    group: str = "loss"


def total_loss(terms: dict[str, LossTerm]) -> torch.Tensor:
    """The loss a train step optimises: the sum of ``weight * value`` over ``terms`` ({name: LossTerm}),
    in their order; a scalar tensor."""
    if not terms:
        raise ValueError("a train step needs at least one loss term")
    weighted = [term.value if term.weight == 1 else term.weight * term.value for term in terms.values()]
    return sum(weighted[1:], weighted[0])


class StepLosses(dict):
    """What both loss hooks return: the step's named loss terms, ``{name: LossTerm}`` (a dict, in the
    order they are summed and logged), and the discriminator's adversarial logits they came from.

    Args:
        terms: ``{name: LossTerm}`` or pairs.
        output_real: D's logits (N, 1) on the real images: set by the discriminator hook (the
            regularisers and ``D(x)`` use them); ``None`` in the generator's.
        output_fake: D's logits (N, 1) on the generated images (both hooks).
    """

    def __init__(self, terms: Any = (), *, output_real: torch.Tensor | None = None,
                 output_fake: torch.Tensor | None = None):
        super().__init__(terms)
        self.output_real = output_real
        self.output_fake = output_fake


def _check_called(scorer, model, hook):
    """Raise if ``scorer`` (the network that scores images in ``model.<hook>``) was never called as
    ``scorer(...)`` during the hook: its forward ran without autocast and without its wrapper."""
    if scorer.forward_calls == 0:
        raise RuntimeError(f"{type(model).__name__}.{hook} scored images without calling {type(scorer).__name__}"
                           "(...) (e.g. through .forward()), so the step's autocast and any DDP / compile wrapper "
                           "were skipped: call self.discriminate(...) / netD.discriminate(...) or self(...)")


def _checked_losses(model, hook, result, discriminator):
    """``result`` of ``model.<hook>`` as :class:`StepLosses`, or a ``TypeError``/``ValueError`` naming what is wrong.
    The ``(output_real, output_fake, terms)`` tuple of earlier releases is converted with a DeprecationWarning."""
    where = f"{type(model).__name__}.{hook}"
    if discriminator and isinstance(result, tuple) and len(result) == 3 and isinstance(result[2], dict):
        warnings.warn(f"{where} returned (output_real, output_fake, terms); return "
                      "StepLosses(terms, output_real=..., output_fake=...) instead", DeprecationWarning, stacklevel=3)
        result = StepLosses(result[2], output_real=result[0], output_fake=result[1])
    if not isinstance(result, dict):
        raise TypeError(f"{where} must return StepLosses({{name: LossTerm}}, ...), got {type(result).__name__}")
    if not isinstance(result, StepLosses):
        result = StepLosses(result)
    for name, term in result.items():
        if not isinstance(term, LossTerm):
            raise TypeError(f"{where}: loss term {name!r} is a {type(term).__name__}; wrap it as LossTerm(value, "
                            "weight=1.0, group='loss')")
        if not (torch.is_tensor(term.value) and term.value.dim() == 0):
            shape = tuple(term.value.shape) if torch.is_tensor(term.value) else type(term.value).__name__
            raise ValueError(f"{where}: loss term {name!r} must be a scalar tensor, got {shape}")
    if discriminator and (result.output_real is None or result.output_fake is None):
        raise TypeError(f"{where} must return StepLosses(terms, output_real=..., output_fake=...): the regularisers "
                        "and D(x), D(G(z)) need the logits")
    return result


#: The hooks the train steps call, with the arguments they pass: a subclass's override must accept them.
_HOOK_CALLS = {
    "generator": {
        "compute_generator_losses": (("fake_images", "fake_labels", "netD"), {"amp_dtype": None}),
        "compute_gan_loss": (("output",), {}),
        "compute_weight_regularizers": ((), {}),
    },
    "discriminator": {
        "compute_discriminator_losses": (("real_images", "real_labels", "fake_images", "fake_labels"),
                                         {"amp_dtype": None}),
        "compute_gan_loss": (("output_real", "output_fake"), {}),
        "compute_regularizers": ((), {"real_images": None, "output_real": None}),
    },
}


def _check_subclass(cls, role):
    """Refuse, when ``cls`` is created, overrides that the train step would silently not use or misuse."""
    other = "discriminator" if role == "generator" else "generator"
    hooks, defined = _HOOK_CALLS[role], {n for n, v in vars(cls).items() if callable(v)}
    for name in sorted(defined):
        if name in _HOOK_CALLS[other] and name not in hooks:
            raise TypeError(f"{cls.__name__} is a {role} but defines {name}, a {other} hook; a {role}'s hooks are "
                            f"{sorted(hooks)}")
        if name in hooks:
            args, kwargs = hooks[name]
            try:
                inspect.signature(vars(cls)[name]).bind(None, *args, **kwargs)
            except TypeError:
                call = ", ".join([*args, *(f"{k}=..." for k in kwargs)])
                raise TypeError(f"{cls.__name__}.{name}{inspect.signature(vars(cls)[name])} cannot be called as the "
                                f"train step calls it: {name}({call})") from None
        elif not any(hasattr(base, name) for base in cls.__mro__[1:]):
            close = difflib.get_close_matches(name, list(hooks), n=1, cutoff=0.9)
            if close:
                raise TypeError(f"{cls.__name__} defines {name}, which the train step never calls: did you mean "
                                f"{close[0]}?")


def _with_regularizer_terms(terms, regularizer_values):
    """``terms`` followed by ``regularizer_values`` ({name: weighted scalar}) as group-``regularizer`` terms.

    Raises:
        ValueError: A regulariser has the name of a loss term (one would hide the other in the logs).
    """
    clashes = sorted(set(terms) & set(regularizer_values))
    if clashes:
        raise ValueError(f"regularizer names {clashes} clash with loss terms of the same names")
    return {**terms, **{name: LossTerm(value, group="regularizer") for name, value in regularizer_values.items()}}


def _log_terms(log_data, terms, stepped=True):
    """Log each term's (detached) value under its name and group. On a step the fp16 GradScaler skipped
    (``stepped`` False), a non-finite regulariser value is the overflow the scaler handled (a penalty's
    inner gradient of the scaled logits overflowed fp16), not a diverging run: it is left out of the log."""
    for name, term in terms.items():
        value = term.value.detach()
        if not stepped and term.group == "regularizer" and not bool(torch.isfinite(value).all()):
            continue
        log_data.add_metric(name, value, group=term.group)


def split_batch(real_batch: Any, device: Any = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Split a data-loader batch into ``(images, labels)`` and move both to ``device``.

    Args:
        real_batch: ``(images, labels)``, ``[images, labels]``, or a bare image tensor.
            Images: float (N, C, H, W) in [-1, 1]; labels: (N,) long, or absent.
        device: Target device, or ``None`` to leave tensors where they are.

    Returns:
        tuple: ``(images, labels)``; ``labels`` is ``None`` when the batch has none.
    """
    if torch.is_tensor(real_batch):
        images, labels = real_batch, None
    elif isinstance(real_batch, (tuple, list)) and len(real_batch) >= 1 and torch.is_tensor(real_batch[0]):
        images = real_batch[0]
        labels = real_batch[1] if len(real_batch) > 1 and torch.is_tensor(real_batch[1]) else None
    else:
        raise TypeError(
            f"real_batch must be an image tensor or an (images, labels) pair, got {type(real_batch).__name__}"
        )
    if images.dim() != 4:
        raise ValueError(f"real images must have shape (N, C, H, W), got {tuple(images.shape)}")
    if not images.is_floating_point():
        raise ValueError(f"real images must be float in [-1, 1], got dtype {images.dtype}")
    if device is not None:
        images = images.to(device, non_blocking=True)
        if labels is not None:
            labels = labels.to(device, non_blocking=True)
    return images, labels


class BaseGenerator(BaseModel):
    """Base of unconditional generators: maps noise ``z ~ N(0, I)`` of shape (N, nz) to images.

    Args:
        nz (int): Dimension of the noise vector.
        ngf (int, optional): Width of a convolutional generator (feature maps of its first block);
            kept as ``self.ngf``. Other architectures leave it out.
        bottom_width (int, optional): Spatial size of a convolutional generator's first feature map.
        loss_type (str): Adversarial loss, one of :data:`torch_gan_zoo.losses.LOSS_TYPES` (default ``'ns'``).

    ``forward(z)`` returns float images (N, C, H, W) in [-1, 1].
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _check_subclass(cls, "generator")

    def __init__(self, nz: int, ngf: int | None = None, bottom_width: int | None = None, loss_type: str = "ns"):
        super().__init__()
        self.nz = nz
        self.ngf = ngf
        self.bottom_width = bottom_width
        self.loss_type = resolve_loss_type(loss_type)
        self.mode_seeking = None

    def hparams(self) -> dict[str, Any]:
        """Constructor arguments plus the config of an attached generator regulariser (mode seeking,
        see :meth:`add_regularizer`): it changes what a run is, so a resume compares it."""
        config = super().hparams()
        mode_seeking = getattr(self, "mode_seeking", None)
        if mode_seeking is not None:
            config["regularizers"] = [mode_seeking.to_config()]
        return config

    def add_regularizer(self, regularizer: Any) -> Any:
        """Attach a generator-side regulariser (``regularizer.applies_to == 'generator'``; today the
        mode-seeking term, :class:`~torch_gan_zoo.losses.ModeSeekingRegularizer`) and return it.

        With a mode-seeking weight > 0, :meth:`train_step` generates its batch as two halves with the
        same labels and independent noise (:meth:`generate_paired_batch`) and adds
        ``weight * mode_seeking_loss(half_1, half_2, z_1, z_2)`` to the loss, logged as ``mode_seeking``
        in group ``regularizer``.

        Raises:
            ValueError: ``regularizer`` is a discriminator regulariser, or one is already attached.
        """
        if getattr(regularizer, "applies_to", "discriminator") != "generator":
            raise ValueError(f"{getattr(regularizer, 'name', regularizer)!r} is a discriminator regularizer: attach "
                             "it with netD.add_regularizer")
        if getattr(self, "mode_seeking", None) is not None:
            raise ValueError(f"{type(self).__name__} already has a regularizer named {regularizer.name!r}")
        mro = type(self).__mro__
        batch_owner = next(k for k in mro if "generate_batch" in vars(k))
        paired_owner = next(k for k in mro if "generate_paired_batch" in vars(k))
        if batch_owner is not paired_owner and issubclass(batch_owner, paired_owner):
            raise ValueError(f"{type(self).__name__} overrides generate_batch but not generate_paired_batch, which "
                             f"the mode-seeking step uses instead: override generate_paired_batch too")
        self.mode_seeking = regularizer
        return regularizer

    def restore_attachments(self, config: dict[str, Any]) -> None:
        """Re-attach the generator regulariser recorded in ``config`` (this network's :meth:`hparams`)."""
        for reg_config in config.get("regularizers") or []:
            if getattr(self, "mode_seeking", None) is None or self.mode_seeking.to_config() != reg_config:
                self.mode_seeking = None
                self.add_regularizer(build_regularizer(reg_config))

    def sample_latent(self, num_images: int, device: Any = None, generator: torch.Generator | None = None,
                      truncation: float | None = None) -> torch.Tensor:
        """Draw ``num_images`` noise vectors, float (num_images, nz), from N(0, I).

        Args:
            truncation (float, optional): The truncation trick (Brock et al., 2019): draw from the
                standard normal truncated to ``[-truncation, truncation]`` (each entry resampled
                until it falls inside), trading diversity for fidelity.
        """
        device = self.device if device is None else device
        z = torch.randn(num_images, self.nz, device=device, generator=generator)
        if truncation is not None:
            if not truncation > 0:
                raise ValueError(f"truncation must be > 0, got {truncation}")
            outside = z.abs() > truncation
            while bool(outside.any()):
                z = torch.where(outside, torch.randn(z.shape, device=device, generator=generator), z)
                outside = z.abs() > truncation
        return z

    def generate_images(self, num_images: int, device: Any = None, truncation: float | None = None) -> torch.Tensor:
        """Generate ``num_images`` images, float (num_images, C, H, W) in [-1, 1].

        Runs in the model's current mode and with gradients if enabled: wrap it in
        ``torch.no_grad()`` (and call ``eval()``) for sampling. ``truncation``: see :meth:`sample_latent`.
        """
        return self(self.sample_latent(num_images, device, truncation=truncation))

    def generate_batch(self, num_images: int, device: Any = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Generate a training batch: ``(images, labels)`` with ``labels=None`` for unconditional models."""
        return self.generate_images(num_images, device=device), None

    def generate_paired_batch(self, num_images: int, device: Any = None
                              ) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
        """A training batch in two halves for the mode-seeking term: ``(images, labels, z)``.

        Images ``i`` and ``i + num_images // 2`` (``i < num_images // 2``) have independent noise
        (:meth:`sample_latent`) and, for conditional generators, the same class; with an odd
        ``num_images`` the last image has no pair. One forward pass over the whole batch.

        Returns:
            tuple: images float (N, C, H, W) in [-1, 1], labels long (N,) or ``None``, z float (N, nz).
        """
        z = self.sample_latent(num_images, device)
        return self(z), None, z

    def compute_gan_loss(self, output: torch.Tensor) -> torch.Tensor:
        """The generator's adversarial loss (scalar) from the discriminator's logits (N,) or (N, 1)
        on generated images."""
        return generator_loss(self.loss_type, output)

    def compute_generator_losses(self, fake_images: torch.Tensor, fake_labels: torch.Tensor | None,
                                 netD: BaseDiscriminator, amp_dtype: torch.dtype | None = None) -> StepLosses:
        """The loss hook of :meth:`train_step`: score the generated batch with ``netD`` and return
        the generator's loss terms. Override it to add terms; call ``netD.discriminate*`` (never
        ``netD.forward``) so DDP wrappers see the forward pass.

        Runs with ``netD``'s weights frozen and gradients enabled. Every forward pass (``netD(...)``,
        ``netD.discriminate(...)``) runs under the step's autocast by itself; the hook body, where the
        losses are computed (in float32), is outside it.

        Args:
            fake_images: float (N, C, H, W) in [-1, 1], generated with a graph to this network.
            fake_labels: long (N,) their classes, or ``None`` for unconditional models.
            netD (BaseDiscriminator): The opposing discriminator.
            amp_dtype (torch.dtype, optional): Autocast dtype of the step (already applied).

        Returns:
            StepLosses: ``{name: LossTerm}``, here ``{'errG': compute_gan_loss(D(G(z)))}``, with
            ``output_fake`` the logits D(G(z)).
        """
        output = netD.discriminate(fake_images, fake_labels)
        return StepLosses({"errG": LossTerm(self.compute_gan_loss(output))}, output_fake=output)

    def compute_weight_regularizers(self) -> dict[str, torch.Tensor]:
        """Penalties on this generator's weights, ``{name: weighted float32 scalar}``, added to its loss
        and logged in group ``regularizer`` (none here; BigGAN's orthogonal regularisation)."""
        return {}

    def train_step(self, real_batch: Any, netD: BaseDiscriminator, optG: torch.optim.Optimizer, log_data: Any,
                   device: Any = None, global_step: int | None = None, scaler: Any = None,
                   amp_dtype: torch.dtype | None = None, **kwargs: Any) -> Any:
        """One generator update.

        Generates as many images as ``real_batch`` holds and, with ``netD``'s weights frozen, takes
        one ``optG`` step on the sum of :meth:`compute_generator_losses` and
        :meth:`compute_weight_regularizers` (see :class:`LossTerm`). With a mode-seeking regulariser of
        weight > 0 attached (:meth:`add_regularizer`), the batch comes from :meth:`generate_paired_batch`
        (halves with the same labels and independent noise; an odd last image has no pair) and its
        weighted term is added and logged as ``mode_seeking``; with weight 0 the step is the plain one.

        Args:
            real_batch: The data batch ``(images, labels)``; only its size is used.
            netD (BaseDiscriminator): The opposing discriminator.
            optG (torch.optim.Optimizer): Optimiser of this generator.
            log_data (MetricLog): Receives every loss term: ``errG`` (group ``loss``), a variant's own
                terms, ``mode_seeking`` and weight regularisers (group ``regularizer``).
            device: Device to generate on (default: the model's).
            global_step (int, optional): The current generator step.
            scaler (torch.amp.GradScaler, optional): For fp16 mixed precision.
            amp_dtype (torch.dtype, optional): Autocast dtype (``torch.float16`` or ``torch.bfloat16``).

        Returns:
            MetricLog: ``log_data``.
        """
        images, _ = split_batch(real_batch)
        mode_seeking = getattr(self, "mode_seeking", None)
        if mode_seeking is not None and not mode_seeking.weight > 0:
            mode_seeking = None  # weight 0: exactly the plain step
        num_images = images.shape[0]
        if mode_seeking is not None and num_images < 2:
            raise ValueError(f"mode seeking pairs the generated images: it needs a batch of at least 2, "
                             f"got {num_images}")
        optG.zero_grad(set_to_none=True)
        with netD.frozen(), self.forward_autocast(amp_dtype), netD.forward_autocast(amp_dtype):
            if mode_seeking is None:
                fake_images, fake_labels = self.generate_batch(num_images, device=device)
            else:
                fake_images, fake_labels, z = self.generate_paired_batch(num_images, device=device)
            terms = _checked_losses(self, "compute_generator_losses", self.compute_generator_losses(
                fake_images, fake_labels, netD, amp_dtype=amp_dtype), discriminator=False)
            _check_called(netD, self, "compute_generator_losses")
            if mode_seeking is not None:
                half = num_images // 2
                terms = _with_regularizer_terms(terms, {mode_seeking.name: mode_seeking(
                    fake_images[:half], fake_images[half:2 * half], z[:half], z[half:2 * half])})
            terms = _with_regularizer_terms(terms, self.compute_weight_regularizers())
            stepped = self.optimize(total_loss(terms), optG, scaler)
        _log_terms(log_data, terms, stepped)
        return log_data


class BaseDiscriminator(BaseModel):
    """Base of unconditional discriminators: maps images (N, C, H, W) in [-1, 1] to logits (N, 1).

    Args:
        ndf (int, optional): Width of the discriminator (kept as ``self.ndf``; an architecture without
            one leaves it out).
        loss_type (str): Adversarial loss, one of :data:`torch_gan_zoo.losses.LOSS_TYPES` (default ``'ns'``).

    Attributes:
        augment (callable or None): Differentiable augmentation applied to every image batch that
            :meth:`discriminate` scores, images (N, C, H, W) -> same shape. Has ``to_config()``.
        regularizers (list): Callables added to the discriminator loss in :meth:`train_step`; each is
            called as ``reg(netD, real_images=..., real_labels=..., fake_images=..., fake_labels=...,
            output_real=..., output_fake=..., global_step=..., scaler=..., amp_dtype=...)`` and returns
            a float32 scalar tensor (already weighted). Each has a ``name`` and a ``to_config()``. Attach them with
            :meth:`add_regularizer`, which also makes stateful ones (LeCam's anchors) submodules.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _check_subclass(cls, "discriminator")

    def __init__(self, ndf: int | None = None, loss_type: str = "ns"):
        super().__init__()
        self.ndf = ndf
        self.loss_type = resolve_loss_type(loss_type)
        self.regularizers = []
        self.augment = None

    def hparams(self) -> dict[str, Any]:
        """Constructor arguments plus the configs of any attached regularisers and augmentation
        (see :class:`BaseModel`): they change what a run is, so a resume compares them."""
        config = super().hparams()
        if self.regularizers:
            config["regularizers"] = [reg.to_config() for reg in self.regularizers]
        if self.augment is not None:
            config["augment"] = self.augment.to_config() if hasattr(self.augment, "to_config") else repr(self.augment)
        return config

    def add_regularizer(self, regularizer: Any) -> Any:
        """Attach ``regularizer`` (see :attr:`regularizers`) and return it.

        A regulariser that is an ``nn.Module`` (it has state, e.g. LeCam's moving averages) is also
        registered as the submodule ``regularizer_<name>``: its buffers are then in this network's
        ``state_dict`` (saved in checkpoints, restored on resume) and follow ``.to(device)``.
        :meth:`~torch_gan_zoo.nets.BaseModel.from_checkpoint` re-attaches regularisers from the
        checkpoint's ``hparams`` before loading the weights.

        Raises:
            ValueError: A regulariser of the same ``name`` is already attached.
        """
        name = regularizer.name
        if getattr(regularizer, "applies_to", "discriminator") != "discriminator":
            raise ValueError(f"{name!r} is a generator regularizer: attach it with netG.add_regularizer")
        if any(reg.name == name for reg in self.regularizers):
            raise ValueError(f"{type(self).__name__} already has a regularizer named {name!r}")
        if isinstance(regularizer, nn.Module):
            self.add_module(f"regularizer_{name}", regularizer)
        self.regularizers.append(regularizer)
        return regularizer

    def restore_attachments(self, config: dict[str, Any]) -> None:
        """Re-attach the regularisers and augmentation recorded in ``config`` (this network's
        :meth:`hparams`) that are not attached yet, e.g. those a variant's constructor adds itself."""
        attached = [reg.to_config() for reg in self.regularizers]
        for reg_config in config.get("regularizers") or []:
            if reg_config not in attached:
                self.add_regularizer(build_regularizer(reg_config, build_augment=build_augment))
        augment = config.get("augment")
        if augment is not None and self.augment is None:
            if not isinstance(augment, dict):
                raise ValueError(f"the augmentation {augment!r} was recorded without a config; attach it yourself")
            self.augment = build_augment(augment)

    def check_images(self, images: torch.Tensor) -> None:
        """Raise ``ValueError`` naming the expected shape if ``images`` don't fit this network.

        Networks that know their ``nc`` and ``resolution`` (every registered variant) check
        ``images.shape[1:] == (nc, resolution, resolution)``.
        """
        nc, res = getattr(self, "nc", None), getattr(self, "resolution", None)
        if images.dim() != 4 or (nc is not None and res is not None and tuple(images.shape[1:]) != (nc, res, res)):
            expected = f"(N, {nc}, {res}, {res})" if nc is not None and res is not None else "(N, C, H, W)"
            raise ValueError(f"{type(self).__name__} expects images of shape {expected}, got {tuple(images.shape)}")

    #: Whether ``forward`` takes the labels: ``forward(x, y, **kw)`` (conditional) or ``forward(x, **kw)``.
    conditional = False

    def discriminate(self, images: torch.Tensor, labels: torch.Tensor | None = None, **forward_kwargs: Any):
        """Logits (N, 1) for ``images`` (N, C, H, W) of classes ``labels`` (N,) long; unconditional
        models ignore ``labels``. Keyword arguments go to ``forward`` (``return_aux=True``, ...), whose
        result is returned.

        The way train steps score images: checks the input shape, applies :attr:`augment` (e.g.
        DiffAugment) when one is set, so real and generated images see the same differentiable
        augmentation, and calls ``self(...)``, so autocast and wrappers apply. An override must keep
        calling ``super().discriminate`` (the step checks that ``self(...)`` was called).
        """
        if self.conditional and labels is None:
            raise ValueError(f"{type(self).__name__} is class-conditional: its data batches must be (images, labels)")
        self.check_images(images)
        images = self.augment(images) if self.augment is not None else images
        return self(images, labels, **forward_kwargs) if self.conditional else self(images, **forward_kwargs)

    def compute_gan_loss(self, output_real: torch.Tensor, output_fake: torch.Tensor) -> torch.Tensor:
        """The discriminator's adversarial loss (scalar) from its logits on real and fake images."""
        return discriminator_loss(self.loss_type, output_real, output_fake)

    def compute_probs(self, output_real: torch.Tensor, output_fake: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean sigmoid of the logits on real and on fake images: ``(D(x), D(G(z)))``.

        Returns 0-dim tensors (no host synchronisation); ``float()`` them to print.
        """
        return torch.sigmoid(output_real.detach().float()).mean(), torch.sigmoid(output_fake.detach().float()).mean()

    def compute_regularizers(self, **context: Any) -> dict[str, torch.Tensor]:
        """Evaluate :attr:`regularizers` on the step's tensors; returns ``{name: scalar tensor}``."""
        return {reg.name: reg(self, **context) for reg in self.regularizers}

    def compute_discriminator_losses(self, real_images: torch.Tensor, real_labels: torch.Tensor | None,
                                     fake_images: torch.Tensor, fake_labels: torch.Tensor | None,
                                     amp_dtype: torch.dtype | None = None) -> StepLosses:
        """The loss hook of :meth:`train_step`: score the real and generated batches and return the
        discriminator's loss terms. Override it to add terms from the same forward passes; call
        networks through ``self(...)``/``self.discriminate*`` so DDP wrappers see them.

        Every forward pass runs under the step's autocast by itself; the hook body, where the losses
        are computed (in float32), is outside it. Attached regularisers are not this hook's business
        (:meth:`compute_regularizers`).

        Args:
            real_images: float (N, C, H, W) in [-1, 1]; real_labels: long (N,) or ``None``.
            fake_images: float (N, C, H, W) in [-1, 1], generated without a graph; fake_labels: long (N,) or ``None``.
            amp_dtype (torch.dtype, optional): Autocast dtype of the step (already applied).

        Returns:
            StepLosses: ``{name: LossTerm}``, here ``{'errD': compute_gan_loss(output_real, output_fake)}``,
            with ``output_real`` and ``output_fake`` the adversarial logits (N, 1) on the real and generated
            images (for the regularisers and ``D(x)``/``D(G(z))``).
        """
        output_real = self.discriminate(real_images, real_labels)
        output_fake = self.discriminate(fake_images, fake_labels)
        errD = self.compute_gan_loss(output_real, output_fake)
        return StepLosses({"errD": LossTerm(errD)}, output_real=output_real, output_fake=output_fake)

    def train_step(self, real_batch: Any, netG: BaseGenerator, optD: torch.optim.Optimizer, log_data: Any,
                   device: Any = None, global_step: int | None = None, scaler: Any = None,
                   amp_dtype: torch.dtype | None = None, **kwargs: Any) -> Any:
        """One discriminator update on a real batch and as many generated images.

        Generates under ``torch.no_grad()`` (no graph through G), and takes one ``optD`` step on the
        sum of :meth:`compute_discriminator_losses` and :meth:`compute_regularizers` (see :class:`LossTerm`).

        Args:
            real_batch: ``(images, labels)`` from the data loader; images float (N, C, H, W) in [-1, 1].
            netG (BaseGenerator): The opposing generator.
            optD (torch.optim.Optimizer): Optimiser of this discriminator.
            log_data (MetricLog): Receives every loss term: ``errD`` (group ``loss``), a variant's own
                terms, regulariser values (group ``regularizer``); then ``D(x)`` and ``D(G(z))`` (group ``prob``).
            device: Device of the step (default: the model's).
            global_step (int, optional): The current generator step.
            scaler (torch.amp.GradScaler, optional): For fp16 mixed precision.
            amp_dtype (torch.dtype, optional): Autocast dtype.

        Returns:
            MetricLog: ``log_data``.
        """
        device = device or self.device
        real_images, real_labels = split_batch(real_batch, device)
        optD.zero_grad(set_to_none=True)
        with self.forward_autocast(amp_dtype), netG.forward_autocast(amp_dtype):
            with torch.no_grad():
                fake_images, fake_labels = netG.generate_batch(real_images.shape[0], device=device)
            losses = _checked_losses(self, "compute_discriminator_losses", self.compute_discriminator_losses(
                real_images, real_labels, fake_images, fake_labels, amp_dtype=amp_dtype), discriminator=True)
            _check_called(self, self, "compute_discriminator_losses")
            output_real, output_fake = losses.output_real, losses.output_fake
            terms = _with_regularizer_terms(losses, self.compute_regularizers(
                real_images=real_images, real_labels=real_labels, fake_images=fake_images, fake_labels=fake_labels,
                output_real=output_real, output_fake=output_fake, global_step=global_step, scaler=scaler,
                amp_dtype=amp_dtype,
            ))
        stepped = self.optimize(total_loss(terms), optD, scaler)
        D_x, D_Gz = self.compute_probs(output_real, output_fake)
        _log_terms(log_data, terms, stepped)
        log_data.add_metric("D(x)", D_x, group="prob")
        log_data.add_metric("D(G(z))", D_Gz, group="prob")
        return log_data
