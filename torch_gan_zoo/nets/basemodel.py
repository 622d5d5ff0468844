"""``BaseModel``: checkpointing, parameter counting and the training-step plumbing every network shares.

Every subclass records the arguments its constructor was called with (see :meth:`BaseModel.hparams`),
so a checkpoint can rebuild its model without the training script (:meth:`BaseModel.from_checkpoint`)
and the Trainer can refuse to resume a run whose models differ.
"""
from __future__ import annotations

import contextlib
import functools
import inspect
import itertools
import os
import weakref
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import torch
import torch.nn as nn

from torch_gan_zoo._version import __version__
from torch_gan_zoo.utils.io import CheckpointError, jsonable, load_torch_file, save_torch_file

__all__ = ["BaseModel", "checkpoint_name"]  # jsonable, now in utils.io, stays importable from here

CHECKPOINT_FORMAT = 1


def checkpoint_name(directory: str, global_step: int) -> str:
    """The file name Mimicry and this library use: ``<basename(directory)>_<step>_steps.pth``."""
    return f"{os.path.basename(os.path.normpath(directory))}_{global_step}_steps.pth"


def _network_name(class_path, model):
    """The class name in ``class_path`` without a suffix of ``model``'s resolution: ``SNGANGenerator32``
    (a fixed-resolution alias) and ``SNGANGenerator`` at 32 px name the same network."""
    name, suffix = class_path.rsplit(".", 1)[-1], str(getattr(model, "resolution", ""))
    return name[:-len(suffix)] if suffix and name.endswith(suffix) else name


def _recording_init(init):
    """Wrap a subclass ``__init__`` so the outermost call records its bound arguments."""
    signature = inspect.signature(init)

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        if "_init_kwargs" not in self.__dict__:
            bound = signature.bind(self, *args, **kwargs)
            bound.apply_defaults()
            arguments = {}
            for name, param in list(signature.parameters.items())[1:]:  # without self
                if param.kind is inspect.Parameter.VAR_KEYWORD:
                    arguments.update(bound.arguments.get(name, {}))
                elif param.kind is inspect.Parameter.VAR_POSITIONAL:
                    if bound.arguments.get(name):
                        arguments["*" + name] = list(bound.arguments[name])
                else:
                    arguments[name] = bound.arguments[name]
            object.__setattr__(self, "_init_kwargs", arguments)
        init(self, *args, **kwargs)

    __init__._records_hparams = True
    return __init__


class BaseModel(nn.Module):
    """Base of every generator and discriminator.

    Gives checkpoint save/restore (state dicts only, loadable with ``weights_only=True``), parameter
    counts, a record of the constructor arguments, and helpers that train steps share: mixed
    precision, the optimiser step, freezing the other network, and routing ``self(x)`` through a
    ``DistributedDataParallel`` or ``torch.compile`` wrapper when the Trainer installs one.

    Subclasses call ``self(x)`` (not ``self.forward(x)``) inside their ``train_step`` so that such
    wrappers see the forward pass.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__call__" in cls.__dict__:
            raise TypeError(f"{cls.__name__} overrides __call__: write forward() instead. BaseModel.__call__ is "
                            "what applies the train step's autocast and the DDP / torch.compile wrapper")
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "_records_hparams", False):
            cls.__init__ = _recording_init(init)

    # ------------------------------------------------------------------ bookkeeping
    @property
    def device(self) -> torch.device:
        """The device of the first parameter (or buffer); CPU for a model without either."""
        tensor = next(itertools.chain(self.parameters(), self.buffers()), None)
        return torch.device("cpu") if tensor is None else tensor.device

    def count_params(self) -> tuple[int, int]:
        """Return ``(total, trainable)`` numbers of parameters (ints)."""
        total = sum(p.numel() for p in self.parameters())
        trainable = sum(p.numel() for p in self.parameters() if p.requires_grad)
        return total, trainable

    def hparams(self) -> dict[str, Any]:
        """The model's identity as plain JSON values.

        Returns:
            dict: ``{'class': 'package.module.ClassName', 'kwargs': {constructor arguments}}`` plus
            ``'loss_type'`` where the model has one. Arguments that cannot be stored as JSON are
            kept as their ``repr`` and listed under ``'unserialisable'``.
        """
        cls = type(self)
        kwargs, unserialisable = {}, []
        for name, value in getattr(self, "_init_kwargs", {}).items():
            try:
                kwargs[name] = jsonable(value)
            except TypeError:
                kwargs[name] = repr(value)
                unserialisable.append(name)
        config = {"class": f"{cls.__module__}.{cls.__qualname__}", "kwargs": kwargs}
        if hasattr(self, "loss_type"):
            config["loss_type"] = self.loss_type
        if unserialisable:
            config["unserialisable"] = unserialisable
        return config

    # ------------------------------------------------------------------ checkpoints
    def save_checkpoint(self, directory: str, global_step: int, optimizer: torch.optim.Optimizer | None = None,
                        name: str | None = None, extra: dict | None = None) -> str:
        """Save weights (and optionally the optimiser state) at ``global_step``, atomically.

        The file is ``directory/<basename(directory)>_<global_step>_steps.pth`` unless ``name`` is
        given. It holds only state dicts, tensors and plain values.

        Args:
            directory (str): Folder to write to (created if needed).
            global_step (int): Training step the weights belong to.
            optimizer (torch.optim.Optimizer, optional): Its state is saved alongside.
            name (str, optional): File name inside ``directory``.
            extra (dict, optional): Additional plain values/tensors to store under ``'extra'``.

        Returns:
            str: Path of the written file.
        """
        path = os.path.join(directory, name or checkpoint_name(directory, global_step))
        ckpt = {
            "format": CHECKPOINT_FORMAT,
            "library_version": __version__,
            "model_config": self.hparams(),
            "model_state_dict": self.state_dict(),
            "optimizer_state_dict": optimizer.state_dict() if optimizer is not None else None,
            "global_step": int(global_step),
        }
        if extra:
            ckpt["extra"] = extra
        save_torch_file(ckpt, path)
        return path

    @staticmethod
    def read_checkpoint(ckpt_file: str | os.PathLike[str]) -> dict[str, Any]:
        """Load and validate a checkpoint file written by :meth:`save_checkpoint` (or Mimicry).

        Returns:
            dict: The checkpoint, with at least ``'model_state_dict'`` and ``'global_step'``.

        Raises:
            CheckpointError: Missing, corrupt, unsafe to unpickle, or not a model checkpoint.
        """
        if not ckpt_file:
            raise CheckpointError("no checkpoint file given")
        return load_torch_file(ckpt_file, required_keys=("model_state_dict", "global_step"), what="model checkpoint")

    def restore_checkpoint(self, ckpt_file: str | os.PathLike[str], optimizer: torch.optim.Optimizer | None = None,
                           strict: bool = True) -> int:
        """Load weights (and the optimiser state, if ``optimizer`` is given) from ``ckpt_file``.

        Args:
            ckpt_file (str): A file written by :meth:`save_checkpoint`.
            optimizer (torch.optim.Optimizer, optional): Receives the saved optimiser state.
            strict (bool): Require the state dict keys to match exactly.

        Returns:
            int: The global step the checkpoint was saved at.

        Raises:
            CheckpointError: The file is unreadable, was saved from a different model class, its
                weights don't fit this model (names the missing/unexpected keys and shape
                mismatches), or it has no optimiser state although ``optimizer`` was given.
        """
        ckpt = self.read_checkpoint(ckpt_file)
        saved_class = (ckpt.get("model_config") or {}).get("class")
        own = self.hparams()["class"]
        if saved_class and _network_name(saved_class, self) != _network_name(own, self):
            raise CheckpointError(f"{ckpt_file} holds a {saved_class}, not a {own}")
        state = ckpt["model_state_dict"]
        own_state = self.state_dict()
        mismatched = [
            f"{k}: saved {tuple(v.shape)} vs model {tuple(own_state[k].shape)}"
            for k, v in state.items()
            if k in own_state and torch.is_tensor(v) and v.shape != own_state[k].shape
        ]
        if mismatched:
            raise CheckpointError(f"{ckpt_file} does not fit {own}: shape mismatch in " + "; ".join(mismatched))
        try:
            self.load_state_dict(state, strict=strict)
        except RuntimeError as exc:
            raise CheckpointError(f"{ckpt_file} does not fit {own}: {exc}") from exc
        if optimizer is not None:
            if ckpt.get("optimizer_state_dict") is None:
                raise CheckpointError(f"{ckpt_file} holds no optimizer state, but an optimizer was given")
            try:
                optimizer.load_state_dict(ckpt["optimizer_state_dict"])
            except (ValueError, KeyError) as exc:
                raise CheckpointError(f"{ckpt_file}: optimizer state does not fit the optimizer given: {exc}") from exc
        return int(ckpt["global_step"])

    @staticmethod
    def from_checkpoint(ckpt_file: str | os.PathLike[str], map_location: str | torch.device = "cpu",
                        allowed_classes: Iterable[type] = ()) -> BaseModel:
        """Rebuild a model from a checkpoint alone (no training script, no dataset needed).

        The checkpoint names its model class, but a file never chooses what code runs: nothing is
        imported because of it. The class is looked up among classes that are already loaded and
        trusted: the models of the registry (:func:`~torch_gan_zoo.nets.create_model`), the
        library's own :class:`BaseModel` subclasses, and ``allowed_classes``
        (:func:`~torch_gan_zoo.nets.registry.trusted_class`). It is constructed with the recorded
        arguments and given the saved weights.

        Args:
            ckpt_file (str): A file written by :meth:`save_checkpoint`.
            map_location: Device for the returned model.
            allowed_classes (iterable of type): Your own :class:`BaseModel` subclasses (e.g. an
                unregistered custom generator) that this file may rebuild.

        Returns:
            BaseModel: The model, in eval mode, on ``map_location``.

        Raises:
            CheckpointError: The file is unreadable, records no class or unstorable arguments, or
                names a class that is neither registered, part of the library, nor allowed.
        """
        ckpt = BaseModel.read_checkpoint(ckpt_file)
        config = ckpt.get("model_config")
        if not isinstance(config, dict) or not isinstance(config.get("class"), str):
            raise CheckpointError(f"{ckpt_file} records no model class; build the model and use restore_checkpoint")
        if config.get("unserialisable"):
            raise CheckpointError(
                f"{ckpt_file}: constructor arguments {config['unserialisable']} were not stored; "
                "build the model yourself and use restore_checkpoint"
            )
        from torch_gan_zoo.nets.registry import trusted_class  # the registry imports this module

        cls = trusted_class(config["class"], allowed_classes)
        if cls is None:
            raise CheckpointError(
                f"{ckpt_file} names the model class {config['class']!r}, which is not a registered torch_gan_zoo "
                "model, not part of the library and not in allowed_classes, so it is not rebuilt (a checkpoint "
                "never chooses which code is imported). If you trust this file, import the class yourself and "
                "pass allowed_classes=[TheClass], or build the model and call restore_checkpoint."
            )
        recorded = config.get("kwargs") or {}
        if not isinstance(recorded, dict):
            raise CheckpointError(f"{ckpt_file}: the recorded constructor arguments are not a mapping")
        positional = recorded.get("*args", [])
        kwargs = {k: v for k, v in recorded.items() if not k.startswith("*")}
        try:
            model = cls(*positional, **kwargs)
        except (TypeError, ValueError) as exc:
            raise CheckpointError(f"{ckpt_file}: cannot construct {config['class']} from the recorded "
                                  f"arguments {recorded}: {exc}") from exc
        try:
            model.restore_attachments(config)
        except (TypeError, ValueError) as exc:
            raise CheckpointError(f"{ckpt_file}: cannot rebuild what was attached to the model: {exc}") from exc
        model.restore_checkpoint(ckpt_file)
        return model.to(map_location).eval()

    def restore_attachments(self, config: Mapping[str, Any]) -> None:
        """Re-create what was attached to the model after construction, from its :meth:`hparams`
        ``config`` (:meth:`from_checkpoint` calls this before loading the weights). Nothing here;
        discriminators rebuild their regularisers and augmentation."""

    # ------------------------------------------------------------------ training-step plumbing
    def set_call_wrapper(self, wrapper: nn.Module | None) -> None:
        """Route ``self(...)`` through ``wrapper`` (a DDP or compiled module around ``self``), or stop
        routing with ``None``. Only a weak reference is kept: the caller owns the wrapper."""
        object.__setattr__(self, "_call_wrapper_ref", None if wrapper is None else weakref.ref(wrapper))

    @property
    def call_wrapper(self) -> nn.Module | None:
        """The installed wrapper module (see :meth:`set_call_wrapper`), or ``None``."""
        ref = self.__dict__.get("_call_wrapper_ref")
        return ref() if ref is not None else None

    @contextlib.contextmanager
    def _instance_state(self, **values: Any) -> Iterator[BaseModel]:
        """Context that sets plain instance attributes (not parameters or submodules) and restores them."""
        previous = {name: self.__dict__.get(name) for name in values}
        try:
            for name, value in values.items():
                object.__setattr__(self, name, value)
            yield self
        finally:
            for name, value in previous.items():
                object.__setattr__(self, name, value)

    def forward_autocast(self, amp_dtype: torch.dtype | None = None) -> contextlib.AbstractContextManager[BaseModel]:
        """Context in which every call ``self(...)`` runs its forward pass under autocast in
        ``amp_dtype`` (no-op for ``None``) and is counted in :attr:`forward_calls`. The train steps
        enter it for both networks, so a loss hook cannot forget autocast (the losses it computes from
        the outputs stay outside it), and a step can tell when a hook bypassed ``self(...)``."""
        return self._instance_state(_forward_amp_dtype=amp_dtype, _forward_calls=0)

    @property
    def forward_calls(self) -> int | None:
        """Calls ``self(...)`` in the innermost :meth:`forward_autocast` context (``None`` outside one)."""
        return self.__dict__.get("_forward_calls")

    def __call__(self, *args, **kwargs):
        if self.__dict__.get("_forward_calls") is not None:
            object.__setattr__(self, "_forward_calls", self.__dict__["_forward_calls"] + 1)
        amp_dtype = self.__dict__.get("_forward_amp_dtype")
        with self.autocast(self.device, amp_dtype) if amp_dtype is not None else contextlib.nullcontext():
            wrapper = self.call_wrapper
            if wrapper is None or self.__dict__.get("_inside_wrapper"):
                return super().__call__(*args, **kwargs)
            with self.bypass_wrapper():  # the wrapper calls self(...) again: that call runs forward
                return wrapper(*args, **kwargs)

    def bypass_wrapper(self) -> contextlib.AbstractContextManager[BaseModel]:
        """Context in which ``self(...)`` skips the installed wrapper: for work only some processes
        do (sample grids on rank 0), which must not enter DDP's collective forward."""
        return self._instance_state(_inside_wrapper=True)

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """Context in which this model's parameters need no gradient (restored on exit).

        Used for the opposing network in a train step: it saves computing weight gradients that
        would be thrown away, and under DDP it skips their all-reduce.
        """
        params = list(self.parameters())
        flags = [p.requires_grad for p in params]
        wrapper = self.call_wrapper
        no_sync = wrapper.no_sync() if hasattr(wrapper, "no_sync") else contextlib.nullcontext()
        try:
            for p in params:
                p.requires_grad_(False)
            with no_sync:
                yield self
        finally:
            for p, flag in zip(params, flags):
                p.requires_grad_(flag)

    @staticmethod
    def autocast(device: Any, amp_dtype: torch.dtype | None = None) -> contextlib.AbstractContextManager:
        """An autocast context for ``device`` in ``amp_dtype`` (e.g. ``torch.bfloat16``), or a no-op
        context when ``amp_dtype`` is ``None``."""
        if amp_dtype is None:
            return contextlib.nullcontext()
        device_type = torch.device(device).type if device is not None else "cpu"
        return torch.autocast(device_type=device_type, dtype=amp_dtype)

    @staticmethod
    def optimize(loss: torch.Tensor, optimizer: torch.optim.Optimizer, scaler: Any = None) -> bool:
        """Backpropagate ``loss`` (a scalar tensor) and take one ``optimizer`` step.

        With a ``torch.amp.GradScaler`` the loss is scaled, the step is skipped on inf/NaN
        gradients (fp16 overflow), and the scale is updated; gradients should have been zeroed by the caller.

        Returns:
            bool: ``False`` when the scaler skipped the step (it lowers its scale exactly then), else ``True``.
        """
        if scaler is None:
            loss.backward()
            optimizer.step()
            return True
        scale = scaler.get_scale()  # GradScaler.step synchronises anyway (it reads found_inf)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
        return scaler.get_scale() >= scale
