"""``torch_mimicry.nets.basemodel.basemodel``: :class:`BaseModel` with Mimicry's checkpoint methods.

It is this library's :class:`torch_gan_zoo.nets.BaseModel` (atomic, ``weights_only``-loadable
checkpoints with the model's constructor arguments recorded) whose ``restore_checkpoint`` also
reads checkpoints that Mimicry wrote (see :mod:`torch_gan_zoo.mimicry.convert`).
"""
from torch_gan_zoo.mimicry import convert
from torch_gan_zoo.nets import basemodel as _basemodel
from torch_gan_zoo.utils.io import CheckpointError

__all__ = ["BaseModel"]


class BaseModel(_basemodel.BaseModel):
    """Base of Mimicry-compatible networks.

    Args:
        scaler (torch.cuda.amp.GradScaler, optional): Kept as ``self.scaler``, as in Mimicry.
    """

    def __init__(self, scaler=None):
        super().__init__()
        self.scaler = scaler

    def forward(self, x):
        """Subclasses map their input ``x`` to their output."""
        raise NotImplementedError

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """``nn.Module.load_state_dict`` that also accepts Mimicry's spectral-norm and conditional-BN
        layouts (converted by :func:`torch_gan_zoo.mimicry.convert.convert_state_dict`)."""
        converted = convert.convert_state_dict(state_dict, self.state_dict().keys())
        return super().load_state_dict(converted, strict=strict, assign=assign)

    def restore_checkpoint(self, ckpt_file, optimizer=None):
        """Load weights (and the optimiser state if ``optimizer`` is given) from a checkpoint written by
        Mimicry or by this library; returns its global step (int).

        Raises:
            CheckpointError: Unreadable or unsafe file, weights that don't fit, or no optimiser state.
        """
        if not ckpt_file:
            raise ValueError("No checkpoint file to be restored.")
        ckpt = convert.read_mimicry_checkpoint(ckpt_file)
        saved_class = (ckpt.get("model_config") or {}).get("class")
        if saved_class and saved_class.rsplit(".", 1)[-1] != type(self).__name__:
            raise CheckpointError(f"{ckpt_file} holds a {saved_class}, not a {type(self).__name__}")
        try:
            self.load_state_dict(ckpt["model_state_dict"])
        except RuntimeError as exc:
            raise CheckpointError(f"{ckpt_file} does not fit {type(self).__name__}: {exc}") from exc
        if optimizer is not None:
            opt_state = ckpt.get("optimizer_state_dict")
            if opt_state is None:
                raise CheckpointError(f"{ckpt_file} holds no optimizer state, but an optimizer was given")
            try:
                optimizer.load_state_dict(
                    convert.convert_optimizer_state_dict(opt_state, ckpt["model_state_dict"], self))
            except (ValueError, KeyError) as exc:
                raise CheckpointError(f"{ckpt_file}: optimizer state does not fit the optimizer given: {exc}") from exc
        return int(ckpt["global_step"])

    def save_checkpoint(self, directory, global_step, optimizer=None, name=None):
        """Save weights (and ``optimizer``'s state) atomically as
        ``directory/<basename(directory)>_<global_step>_steps.pth`` (or ``name``); returns the path."""
        return super().save_checkpoint(directory, global_step, optimizer=optimizer, name=name)

    def count_params(self):
        """``(total, trainable)`` numbers of parameters."""
        return super().count_params()
