"""Rebuild a network from a training checkpoint (``.pth``) using registered classes only.

A checkpoint records its class as a dotted path. Importing whatever module a file names would let
the file run code, so the path is resolved by the one rule of
:func:`torch_gan_zoo.nets.registry.trusted_class` (already loaded, trusted classes only, nothing
imported), and the class must moreover be a registered class or a subclass of one, which gives its
role, model name and resolution. Checkpoints are read with ``weights_only=True``.
"""
from __future__ import annotations

import torch

from torch_gan_zoo.nets.basemodel import BaseModel
from torch_gan_zoo.nets.registry import trusted_class
from torch_gan_zoo.utils.io import CheckpointError

__all__ = ["CHECKPOINT_FORMATS", "import_checkpoint", "load_checkpoint_model", "registered_class"]

_ROLES = {"netG": 0, "netD": 1}


def registered_class(recorded: str, role: str | None = None, model: str | None = None,
                     resolution: int | None = None):
    """``(role, model, resolution, class)`` for the class path ``recorded`` by a checkpoint.

    Args:
        recorded: Dotted class path (``model_config['class']`` of a checkpoint).
        role: ``'netG'`` or ``'netD'`` to accept only that role (default: either).
        model, resolution: Restrict the search to this registered model.

    Raises:
        CheckpointError: The class is not trusted (:func:`~torch_gan_zoo.nets.registry.trusted_class`)
            or not registered (as ``role``, for ``model`` at ``resolution``).
    """
    from torch_gan_zoo import nets

    roles = [role] if role is not None else list(_ROLES)
    keys = [(model, int(resolution))] if model is not None and resolution is not None else nets.list_models()
    registered = []
    for name, res in keys:
        try:
            classes = nets.get_model_classes(name, res)
        except ValueError:
            continue
        registered += [(r, name, res, classes[_ROLES[r]]) for r in roles]
    found = trusted_class(recorded)
    matches = [m for m in registered if found is not None and issubclass(found, m[3])]
    if matches:  # the registered class itself before a class it is a subclass of
        r, name, res, _ = min(matches, key=lambda m: m[3] is not found)
        return r, name, res, found
    where = f"model {model!r} at {resolution}px" if model is not None else "the registry"
    what = {"netG": "a generator", "netD": "a discriminator"}.get(role, "a generator or discriminator")
    raise CheckpointError(f"the checkpoint records class {recorded!r}, which is not {what} registered in {where}: "
                          "only registered classes are rebuilt from files; build the model yourself and call "
                          "restore_checkpoint")


def load_checkpoint_model(path, role: str | None = None, model: str | None = None, resolution: int | None = None,
                          map_location="cpu"):
    """Rebuild the network a checkpoint holds, with its weights, in eval mode.

    Returns:
        tuple: ``(role, model name, resolution, network)``.

    Raises:
        CheckpointError: Unreadable or unsafe file (pickles are refused), unregistered class,
            arguments that were not recorded, or weights that do not fit.
    """
    ckpt = BaseModel.read_checkpoint(path)  # weights_only=True: a pickle that would run code is refused
    config = ckpt.get("model_config") or {}
    if not config.get("class"):
        raise CheckpointError(f"{path} records no model class; build the model and use restore_checkpoint")
    r, name, res, cls = registered_class(config["class"], role, model, resolution)
    if config.get("unserialisable"):
        raise CheckpointError(f"{path}: constructor arguments {config['unserialisable']} were not recorded")
    kwargs = {k: v for k, v in (config.get("kwargs") or {}).items() if not k.startswith("*")}
    with torch.random.fork_rng(devices=[]):
        try:
            net = cls(**kwargs)
            net.restore_attachments(config)
        except (TypeError, ValueError) as exc:
            raise CheckpointError(f"{path}: cannot rebuild {config['class']} from its recorded arguments: {exc}") \
                from exc
    net.restore_checkpoint(path)
    return r, name, res, net.to(map_location).eval()


#: Checkpoint formats :func:`import_checkpoint` reads.
CHECKPOINT_FORMATS = ("torch_gan_zoo", "mimicry")


def import_checkpoint(path, format: str = "torch_gan_zoo", map_location="cpu", **kwargs):
    """A native network, in eval mode, from a checkpoint written by this library or by another one.

    Args:
        path (str): The checkpoint file.
        format (str): ``'torch_gan_zoo'`` (a ``.pth`` written by :meth:`BaseModel.save_checkpoint`;
            the class it records must be registered) or ``'mimicry'`` (torch-mimicry's ``netG.pth`` /
            ``netG_<step>_steps.pth``; see :func:`torch_gan_zoo.mimicry.convert.import_mimicry_checkpoint`
            for ``model=``, ``role=`` and ``resolution=``, passed through ``kwargs``).
        map_location: Device of the returned network.

    Returns:
        BaseModel: The network with the file's weights; a Mimicry generator gives Mimicry's images on
        the same ``z``.

    Raises:
        ValueError: Unknown ``format``. CheckpointError: unreadable, unsafe or unregistered file.
    """
    if format == "torch_gan_zoo":
        return load_checkpoint_model(path, map_location=map_location, **kwargs)[3]
    if format == "mimicry":
        from torch_gan_zoo.mimicry.convert import import_mimicry_checkpoint

        return import_mimicry_checkpoint(path, **kwargs).to(map_location)
    raise ValueError(f"unknown checkpoint format {format!r}; known formats: {', '.join(CHECKPOINT_FORMATS)}")
