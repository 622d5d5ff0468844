"""Read torch-mimicry checkpoints and convert them to this library's layouts.

A Mimicry checkpoint (``netG.pth``, ``netD.pth``, or ``log_dir/checkpoints/netG/netG_<step>_steps.pth``)
is a dict ``{'model_state_dict', 'optimizer_state_dict', 'global_step'}`` of plain tensors and
values, so it is read with ``torch.load(weights_only=True)``; anything else is refused.

Two layouts differ from this library's:

* spectral norm: Mimicry uses ``torch.nn.utils.spectral_norm`` (``X.weight_orig``, ``X.weight_u``,
  ``X.weight_v``), this library ``torch.nn.utils.parametrizations.spectral_norm``
  (``X.parametrizations.weight.original``, ``X.parametrizations.weight.0._u``, ``..._v``); in eval
  mode both compute ``W / (u^T W v)`` from the stored vectors, so outputs agree;
* conditional batch norm: Mimicry's one embedding ``X.embed.weight`` (num_classes, 2C) holds the
  scales then the biases; this library has ``X.gamma.weight`` and ``X.beta.weight`` (num_classes, C).

:func:`convert_state_dict` does both (for :mod:`torch_gan_zoo.mimicry.nets`, whose module names
are Mimicry's); :func:`import_mimicry_checkpoint` also renames the modules to build this library's
native networks (:func:`torch_gan_zoo.nets.create_model`'s classes), switched to Mimicry's numerics
(bilinear upsampling in ``GBlock``, the ReLU'd shortcut in ``DBlock``).
"""
import collections
import os
import re

import torch

from torch_gan_zoo.utils.io import CheckpointError, load_torch_file

__all__ = [
    "MIMICRY_MODELS",
    "read_mimicry_checkpoint",
    "convert_state_dict",
    "convert_optimizer_state_dict",
    "native_state_dict",
    "use_mimicry_numerics",
    "infer_generator_config",
    "import_mimicry_checkpoint",
]

#: Mimicry model names this converter knows, and the native model each one imports into.
#: Mimicry's "DCGAN" is SNGAN's ResNet trained with the non-saturating loss (not the plain CNN of
#: Radford et al. that ``torch_gan_zoo.nets`` calls DCGAN), so its generator imports as ``sngan``
#: with ``loss_type='ns'``; its discriminator (ResNet without spectral norm, sum pooling) has no
#: native twin.
MIMICRY_MODELS = {
    "dcgan": ("sngan", {"loss_type": "ns"}),
    "wgan_gp": ("wgan_gp", {}),
    "sngan": ("sngan", {}),
    "cgan_pd": ("cgan_pd", {}),
    "ssgan": ("ssgan", {}),
    "infomax_gan": ("infomax_gan", {}),
}

_ALLOWED_KEYS = {"model_state_dict", "optimizer_state_dict", "global_step"}
_OWN_KEYS = {"format", "library_version", "model_config", "extra"}
_SN = {"weight_orig": "parametrizations.weight.original", "weight_u": "parametrizations.weight.0._u",
       "weight_v": "parametrizations.weight.0._v"}
_BUFFER_SUFFIXES = ("running_mean", "running_var", "num_batches_tracked", "weight_u", "weight_v", "sn_u", "sn_sigma")


def read_mimicry_checkpoint(path):
    """Load a Mimicry checkpoint file safely (``weights_only=True``) and check its contents.

    Returns:
        dict: ``{'model_state_dict': {name: tensor}, 'optimizer_state_dict': dict or None,
        'global_step': int}`` (checkpoints written by this library also pass, with their extra keys).

    Raises:
        CheckpointError: Missing, corrupt or unsafe file, or not a model checkpoint.
    """
    path = os.fspath(path)
    ckpt = load_torch_file(path)
    if not isinstance(ckpt, dict) or "model_state_dict" not in ckpt:
        found = sorted(ckpt) if isinstance(ckpt, dict) else type(ckpt).__name__
        raise CheckpointError(f"{path} is not a Mimicry checkpoint: expected a dict with 'model_state_dict', "
                              f"'optimizer_state_dict' and 'global_step', found {found}")
    unknown = set(ckpt) - _ALLOWED_KEYS - _OWN_KEYS
    if unknown:
        raise CheckpointError(f"{path} is not a Mimicry checkpoint: unexpected keys {sorted(unknown)}")
    state = ckpt["model_state_dict"]
    if not isinstance(state, dict) or not all(isinstance(k, str) and torch.is_tensor(v) for k, v in state.items()):
        raise CheckpointError(f"{path}: 'model_state_dict' must map names to tensors")
    step = ckpt.get("global_step", 0)
    if isinstance(step, bool) or not isinstance(step, int):
        raise CheckpointError(f"{path}: 'global_step' must be an int, got {step!r}")
    return {**ckpt, "global_step": step, "optimizer_state_dict": ckpt.get("optimizer_state_dict")}


def _convert_key(key, target_keys):
    """The keys (one, or two for a conditional-BN embedding) ``key`` becomes; ``None``: unchanged."""
    prefix, _, leaf = key.rpartition(".")
    if leaf in _SN:
        return [f"{prefix}.{_SN[leaf]}" if prefix else _SN[leaf]]
    if key.endswith("embed.weight"):
        base = key[: -len("embed.weight")]
        if target_keys is None or base + "gamma.weight" in target_keys:
            return [base + "gamma.weight", base + "beta.weight"]
    return None


def convert_state_dict(state_dict, target_keys=None):
    """Convert Mimicry's spectral-norm and conditional-BN entries to this library's layout.

    Args:
        state_dict (dict): ``{name: tensor}`` as Mimicry saved it (entries already in this library's
            layout pass unchanged).
        target_keys (iterable of str, optional): Keys of the receiving model; an ``embed.weight``
            is split into ``gamma``/``beta`` only where the model has them (other embeddings, such as
            cGAN-PD's projection ``l_y``, are kept).

    Returns:
        OrderedDict: The converted state dict (tensors are shared, not copied, except split ones).
    """
    target_keys = None if target_keys is None else set(target_keys)
    out = collections.OrderedDict()
    for key, value in state_dict.items():
        new = _convert_key(key, target_keys)
        if new is None:
            out[key] = value
        elif len(new) == 1:
            out[new[0]] = value.reshape(-1) if new[0].endswith(("._u", "._v")) else value
        else:
            half = value.shape[1] // 2
            out[new[0]], out[new[1]] = value[:, :half].clone(), value[:, half:].clone()
    return out


def convert_optimizer_state_dict(optimizer_state, mimicry_state_dict, model):
    """Re-index a Mimicry optimiser state for ``model`` (a :mod:`torch_gan_zoo.mimicry.nets` network).

    Mimicry's optimiser state is indexed by parameter position. Spectral norm keeps the order
    (bias, then weight in both layouts), but a conditional-BN embedding is one parameter there and
    two here: its per-parameter state (``exp_avg``, ...) is split like the weights.

    Returns:
        dict: An optimiser state dict for ``torch.optim`` over ``model.parameters()``.

    Raises:
        CheckpointError: The optimiser state does not match the checkpoint's parameters.
    """
    if optimizer_state is None:
        return None
    target = [name for name, _ in model.named_parameters()]
    source = [k for k in mimicry_state_dict if not k.endswith(_BUFFER_SUFFIXES)]
    own_layout = all(k in dict(model.named_parameters()) for k in source) and len(source) == len(target)
    groups = optimizer_state.get("param_groups", [])
    ids = [i for g in groups for i in g["params"]]
    if own_layout or len(ids) != len(source):
        return optimizer_state
    old_state = optimizer_state.get("state", {})
    new_names, new_state = [], {}
    for index, key in zip(ids, source):
        new = _convert_key(key, target) or [key]
        entry = old_state.get(index)
        for part, name in enumerate(new):
            if entry is not None:
                converted = {}
                for k, v in entry.items():
                    if torch.is_tensor(v) and len(new) == 2 and v.dim() == 2:
                        half = v.shape[1] // 2
                        v = (v[:, :half] if part == 0 else v[:, half:]).clone()
                    converted[k] = v
                new_state[name] = converted
            new_names.append(name)
    if sorted(new_names) != sorted(target):
        raise CheckpointError("the optimizer state does not match the model's parameters")
    if len(groups) != 1:
        raise CheckpointError("Mimicry optimizer states with several parameter groups are not supported")
    position = {name: i for i, name in enumerate(target)}
    group = dict(groups[0])
    group["params"] = sorted(position[n] for n in new_names)
    return {"state": {position[n]: s for n, s in new_state.items()}, "param_groups": [group]}


def _native_key(key, role, num_local_blocks=None):
    """Mimicry module name -> native module name (generator or discriminator)."""
    if role == "generator":
        for pattern, repl in ((r"^l1\.", "backbone.l1."), (r"^b\d+\.", "backbone.b_out."),
                              (r"^c\d+\.", "backbone.c_out.")):
            if re.match(pattern, key):
                return re.sub(pattern, repl, key)
        m = re.match(r"^block(\d+)\.(.*)$", key)
        if m:
            return f"backbone.blocks.{int(m.group(1)) - 2}.{m.group(2)}"
        raise CheckpointError(f"unexpected generator weight {key!r} in a Mimicry checkpoint")
    m = re.match(r"^block(\d+)\.(.*)$", key)
    if m:
        return f"backbone.blocks.{int(m.group(1)) - 1}.{m.group(2)}"
    m = re.match(r"^local_feat_blocks\.(\d+)\.(.*)$", key)
    if m:
        return f"backbone.blocks.{m.group(1)}.{m.group(2)}"
    m = re.match(r"^global_feat_blocks\.(\d+)\.(.*)$", key)
    if m:
        return f"backbone.blocks.{int(m.group(1)) + num_local_blocks}.{m.group(2)}"
    for old, new in (("local_nrkhs_a.", "local_projection.a."), ("local_nrkhs_b.", "local_projection.b."),
                     ("local_nrkhs_sc.", "local_projection.shortcut."), ("global_nrkhs_a.", "global_projection.a."),
                     ("global_nrkhs_b.", "global_projection.b."),
                     ("global_nrkhs_sc.", "global_projection.shortcut."), ("linear.", "l_out.")):
        if key.startswith(old):
            return new + key[len(old):]
    if re.match(r"^l\d+\.", key):
        return re.sub(r"^l\d+\.", "l_out.", key)
    if key.startswith("l_y."):
        return key
    raise CheckpointError(f"unexpected discriminator weight {key!r} in a Mimicry checkpoint")


def native_state_dict(state_dict, model_name, role):
    """Rename a Mimicry state dict's modules for the native ``model_name`` network of ``role``
    (``'generator'`` or ``'discriminator'``) and convert its layers (see :func:`convert_state_dict`)."""
    local = sum(1 for k in state_dict if re.match(r"^local_feat_blocks\.\d+\.c1\.", k)
                and (k.endswith(".c1.bias")))
    renamed = collections.OrderedDict()
    for key, value in state_dict.items():
        new = _native_key(key, role, local)
        if new.startswith("l_y."):
            new = {"ssgan": "l_rotation.", "cgan_pd": "head.embed."}.get(model_name, "l_y.") + new[len("l_y."):]
        if model_name == "cgan_pd" and new.startswith("l_out."):
            new = "head.linear." + new[len("l_out."):]
        renamed[new] = value
    return convert_state_dict(_own_sn_to_parametrized(renamed))


def _own_sn_to_parametrized(state_dict):
    """Replace Mimicry's own spectral norm (``X.weight``, ``X.sn_u``, ``X.sn_sigma``) by the vectors
    torch's parametrisation stores: one power iteration from ``sn_u`` gives the ``v`` and ``u`` with
    which Mimicry's layer computes sigma = u W v^T at every forward pass (in eval mode, from its stored
    ``sn_u``), so the converted layer computes the same weight in eval mode."""
    out = collections.OrderedDict()
    for key, value in state_dict.items():
        if key.endswith(".sn_sigma"):
            continue
        if key.endswith(".sn_u"):
            continue
        prefix = key[: -len(".weight")] if key.endswith(".weight") else None
        u = state_dict.get(f"{prefix}.sn_u") if prefix else None
        if u is None:
            out[key] = value
            continue
        W = value.reshape(value.shape[0], -1)
        v = torch.nn.functional.normalize(u @ W, eps=1e-12)
        u = torch.nn.functional.normalize(v @ W.t(), eps=1e-12)
        out[f"{prefix}.parametrizations.weight.original"] = value
        out[f"{prefix}.parametrizations.weight.0._u"] = u.reshape(-1)
        out[f"{prefix}.parametrizations.weight.0._v"] = v.reshape(-1)
    return out


def use_mimicry_numerics(model):
    """Switch every ``GBlock`` of ``model`` to bilinear upsampling and every ``DBlock`` to feed
    ``ReLU(x)`` to its shortcut, as Mimicry computes them. Returns ``model``."""
    from torch_gan_zoo.modules.resblocks import DBlock, GBlock

    for module in model.modules():
        if isinstance(module, GBlock):
            module.upsample_mode = "bilinear"
        elif isinstance(module, DBlock):
            module.shortcut_sees_relu = True
    return model


def infer_generator_config(state_dict):
    """``(resolution, kwargs)`` of the Mimicry ResNet generator that saved ``state_dict``: ``ngf``,
    ``bottom_width``, ``nz`` and, for conditional ones, ``num_classes``.

    Raises:
        CheckpointError: The weights are not those of a Mimicry ResNet generator.
    """
    try:
        l1 = state_dict["l1.weight"]
        blocks = sorted({int(m.group(1)) for k in state_dict if (m := re.match(r"^block(\d+)\.", k))})
        first_in = state_dict[f"block{blocks[0]}.c1.weight"].shape[1]
    except (KeyError, IndexError) as exc:
        raise CheckpointError(f"not the weights of a Mimicry ResNet generator (missing {exc})") from exc
    nz, area = l1.shape[1], l1.shape[0] // first_in
    bottom = int(round(area ** 0.5))
    resolution = bottom * 2 ** len(blocks)
    ngf = first_in
    kwargs = {"nz": nz, "ngf": ngf, "bottom_width": bottom}
    embed = state_dict.get(f"block{blocks[0]}.b1.embed.weight")
    if embed is not None:
        kwargs["num_classes"] = embed.shape[0]
    if resolution not in (32, 48, 64, 128):
        raise CheckpointError(f"a Mimicry generator of {resolution}px is not one Mimicry publishes")
    return resolution, kwargs


def import_mimicry_checkpoint(path, model="sngan", role="generator", resolution=None, **kwargs):
    """Load a Mimicry checkpoint into this library's native network.

    Args:
        path (str): A Mimicry ``netG.pth``/``netD.pth`` or ``netG_<step>_steps.pth`` file.
        model (str): The Mimicry model that wrote it: one of :data:`MIMICRY_MODELS` (a generator's
            weights do not say which; they all share SNGAN's ResNet).
        role (str): ``'generator'`` or ``'discriminator'``.
        resolution (int, optional): Image size; inferred from a generator's weights.
        **kwargs: Constructor arguments of the native network (``ngf``, ``ndf``, ``num_classes``,
            ``nrkhs``...); a generator's are inferred from its weights.

    Returns:
        BaseModel: The native network (:func:`torch_gan_zoo.nets.create_model`) in eval mode, with the
        weights loaded and :func:`use_mimicry_numerics` applied, so ``netG(z)`` equals Mimicry's
        output on the same ``z`` (to float rounding).

    Raises:
        CheckpointError: Unreadable file or weights that do not fit.
        ValueError: Unknown ``model``/``role``, or a discriminator without a native twin (DCGAN).
    """
    from torch_gan_zoo.nets.registry import get_model_classes

    if model not in MIMICRY_MODELS:
        raise ValueError(f"unknown Mimicry model {model!r}; known: {sorted(MIMICRY_MODELS)}")
    if role not in ("generator", "discriminator"):
        raise ValueError(f"role must be 'generator' or 'discriminator', got {role!r}")
    ckpt = read_mimicry_checkpoint(path)
    state = ckpt["model_state_dict"]
    native_name, defaults = MIMICRY_MODELS[model]
    if role == "discriminator" and model == "dcgan":
        raise ValueError("Mimicry's DCGAN discriminator (ResNet without spectral norm, sum pooling) has no native "
                         "twin; load it into torch_gan_zoo.mimicry.nets.dcgan instead")
    if role == "generator":
        inferred_resolution, inferred = infer_generator_config(state)
        resolution = resolution or inferred_resolution
        kwargs = {**inferred, **kwargs}
        if model == "cgan_pd" and "num_classes" not in kwargs:
            raise CheckpointError(f"{path}: a cGAN-PD generator has conditional batch norm, these weights do not")
    elif resolution is None:
        raise ValueError("pass resolution= for a discriminator checkpoint")
    if native_name == "cgan_pd" and role == "discriminator" and "num_classes" not in kwargs:
        kwargs["num_classes"] = state["l_y.weight_orig"].shape[0] if "l_y.weight_orig" in state else None
    kwargs = {**defaults, **kwargs}
    netG_class, netD_class = get_model_classes(native_name, resolution)
    net = (netG_class if role == "generator" else netD_class)(**kwargs)
    converted = native_state_dict(state, native_name, role)
    try:
        net.load_state_dict(converted, strict=True)
    except RuntimeError as exc:
        raise CheckpointError(f"{path} does not fit the native {native_name} {role} at {resolution}px "
                              f"with {kwargs}: {exc}") from exc
    return use_mimicry_numerics(net).eval()
