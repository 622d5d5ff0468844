"""Pretrained folders in the Hugging Face Hub layout: write one, read one back.

A folder holds::

    config.json         everything needed to rebuild the networks (registered model name, resolution,
                        each network's constructor arguments), the run configuration, how it was
                        evaluated, its license
    model.safetensors   the weights, ``netG.<key>`` and ``netD.<key>``; its metadata repeats the
                        architecture, so the file alone is enough to rebuild the networks
    README.md           the model card: use, training command, FID with its protocol, samples, license
    samples.png         a grid of samples

Loading never imports a module named by a file: the networks are rebuilt only from classes
registered in :mod:`torch_gan_zoo.nets` (looked up by model name and resolution), and the weights
are safetensors (no pickle).
"""
from __future__ import annotations

import io
import json
import os
from collections.abc import Mapping

import torch

from torch_gan_zoo._version import __version__
from torch_gan_zoo.utils.io import atomic_write_bytes, atomic_write_json
from torch_gan_zoo.zoo.safetensors_file import (
    DTYPES,
    WeightsFileError,
    read_safetensors,
    read_safetensors_header,
    write_safetensors,
)

__all__ = [
    "CARD_FIELDS",
    "CARD_NAME",
    "CONFIG_NAME",
    "FORMAT",
    "PART_PREFIXES",
    "SAMPLES_NAME",
    "WEIGHTS_NAME",
    "PretrainedConfigError",
    "build_networks",
    "load_weights_file",
    "read_config",
    "save_pretrained",
    "update_card",
]

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
CARD_NAME = "README.md"
SAMPLES_NAME = "samples.png"
FORMAT = "torch_gan_zoo/pretrained"
FORMAT_VERSION = 1
#: Prefix of each network's tensors in ``model.safetensors``.
PART_PREFIXES = {"netG": "netG.", "netD": "netD."}
_METADATA_KEY = "torch_gan_zoo.architecture"
#: What a model card may say (the ``card=`` argument of :func:`save_pretrained`).
CARD_FIELDS = ("name", "description", "dataset", "license", "command", "fid")


class PretrainedConfigError(ValueError):
    """A pretrained folder's config.json (or the weights' metadata) is missing, malformed, or names a
    model that is not registered."""


# --------------------------------------------------------------------------- identity
def _registered_name(net, role, model=None, resolution=None):
    """``(model name, resolution)`` under which ``type(net)`` is registered as ``role``."""
    from torch_gan_zoo import nets

    index = 0 if role == "netG" else 1
    if model is not None:
        if resolution is None:
            raise ValueError("give resolution= together with model=")
        cls = nets.get_model_classes(model, resolution)[index]
        if type(net) is not cls:
            raise ValueError(f"{role} is a {type(net).__name__}, but model {model!r} at {resolution}px registers "
                             f"{cls.__name__}")
        return model, int(resolution)
    matches = [(name, res) for name, res in nets.list_models()
               if nets.get_model_classes(name, res)[index] is type(net)]
    if len(matches) > 1:
        own = getattr(net, "resolution", None)
        matches = [m for m in matches if m[1] == own] or matches
    if len(matches) != 1:
        what = "is not registered" if not matches else f"is registered several times ({matches})"
        raise ValueError(
            f"{role} ({type(net).__module__}.{type(net).__qualname__}) {what}: only registered models can be rebuilt "
            "from a pretrained folder; register it with nets.register_generator/register_discriminator, or pass "
            "model= and resolution=")
    return matches[0]


def _net_record(net, role):
    config = net.hparams()
    if config.get("unserialisable"):
        raise ValueError(f"{role}: constructor arguments {config['unserialisable']} cannot be stored as JSON, so "
                         "the network could not be rebuilt from config.json")
    return config


# --------------------------------------------------------------------------- writing
def _state_tensors(net, prefix, dtype):
    out = {}
    for key, value in net.state_dict().items():
        if dtype is not None and value.is_floating_point():
            value = value.to(dtype)
        out[prefix + key] = value
    return out


def _samples_png(netG, num_images=64, seed=0):
    """PNG bytes of a grid of ``num_images`` samples (conditional models: classes in turn)."""
    import torchvision.utils as vutils

    was_training = netG.training
    netG.eval()
    try:
        with torch.random.fork_rng(devices=[]), torch.no_grad():
            torch.manual_seed(seed)
            device = next(iter(netG.parameters())).device
            if getattr(netG, "num_classes", None):
                labels = torch.arange(num_images, device=device) % netG.num_classes
                images = netG.generate_images(num_images, c=labels, device=device)
            else:
                images = netG.generate_images(num_images, device=device)
    finally:
        netG.train(was_training)
    nrow = netG.num_classes if getattr(netG, "num_classes", None) else max(1, int(num_images ** 0.5))
    buffer = io.BytesIO()
    vutils.save_image(images.float().cpu(), buffer, format="png", nrow=nrow, normalize=True, value_range=(-1, 1))
    return buffer.getvalue()


def save_pretrained(netG, folder, netD=None, config: Mapping | None = None, card: Mapping | None = None,
                    dtype: torch.dtype | None = None, model: str | None = None,
                    resolution: int | None = None, samples: bool = True, overwrite: bool = False,
                    export: Mapping | None = None) -> str:
    """Write ``netG`` (and ``netD``) as a pretrained folder that :func:`torch_gan_zoo.zoo.load` reads.

    Args:
        netG: A registered generator (its class is looked up in :mod:`torch_gan_zoo.nets`).
        folder: Where to write (created).
        netD: Its discriminator, to publish both (``load(..., part='D'|'both')``).
        config: The run configuration (e.g. the run's ``hparams.json``), stored under ``"run"``.
        card: Model-card fields (:data:`CARD_FIELDS`): ``name``, ``description``, ``dataset``,
            ``license`` (default ``'MIT'``), ``command`` (that reproduces the weights) and ``fid``
            (a :class:`~torch_gan_zoo.zoo.FIDRecord` or its dict).
        dtype: Store floating-point tensors in this dtype (e.g. ``torch.float16`` halves the file);
            loading casts them back to the model's float32.
        model, resolution: Registered name and resolution, when ``type(netG)`` alone is ambiguous.
        samples: Write ``samples.png`` (64 images, seed 0).
        overwrite: Replace an existing pretrained folder (otherwise refused: nothing saved is lost).
        export: Where the weights came from (set by :func:`~torch_gan_zoo.zoo.export_run`).

    Returns:
        str: ``folder``.

    Raises:
        ValueError: Unregistered classes, arguments that cannot be stored, unknown card fields,
            an existing folder without ``overwrite=True``.
    """
    from torch_gan_zoo.zoo.model_card import render_model_card

    folder = os.fspath(folder)
    if os.path.exists(os.path.join(folder, WEIGHTS_NAME)) and not overwrite:
        raise ValueError(f"{folder} already holds a pretrained model; pass overwrite=True to replace it")
    card = dict(card or {})
    unknown = sorted(set(card) - set(CARD_FIELDS))
    if unknown:
        raise ValueError(f"unknown model card field(s) {unknown}; the fields are {list(CARD_FIELDS)}")
    if hasattr(card.get("fid"), "as_dict"):
        card["fid"] = card["fid"].as_dict()
    if dtype is not None and (not isinstance(dtype, torch.dtype) or not dtype.is_floating_point):
        raise ValueError(f"dtype must be a floating torch dtype such as torch.float16, got {dtype!r}")
    name, res = _registered_name(netG, "netG", model, resolution)
    architecture = {"model": name, "resolution": res, "netG": _net_record(netG, "netG"),
                    "dtype": str(dtype or torch.float32).replace("torch.", "")}
    tensors = _state_tensors(netG, PART_PREFIXES["netG"], dtype)
    if netD is not None:
        d_name = _registered_name(netD, "netD", name, res)
        if d_name != (name, res):  # pragma: no cover - _registered_name raises first
            raise ValueError(f"netD is registered as {d_name}, netG as {(name, res)}")
        architecture["netD"] = _net_record(netD, "netD")
        tensors.update(_state_tensors(netD, PART_PREFIXES["netD"], dtype))
    from torch_gan_zoo.utils.io import jsonable

    full = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "library_version": __version__,
        "architecture": architecture,
        "card": {"license": "MIT", **card},
        "run": None if config is None else jsonable(dict(config)),
        "export": None if export is None else jsonable(dict(export)),
    }
    os.makedirs(folder, exist_ok=True)
    write_safetensors(os.path.join(folder, WEIGHTS_NAME), tensors,
                      metadata={_METADATA_KEY: json.dumps(architecture, sort_keys=True), "format": "pt"})
    atomic_write_json(os.path.join(folder, CONFIG_NAME), full)
    if samples:
        atomic_write_bytes(os.path.join(folder, SAMPLES_NAME), _samples_png(netG))
    atomic_write_bytes(os.path.join(folder, CARD_NAME), render_model_card(folder, full).encode("utf-8"))
    return folder


# --------------------------------------------------------------------------- reading
def _check_architecture(arch, where):
    if not isinstance(arch, dict):
        raise PretrainedConfigError(f"{where}: 'architecture' must be a JSON object")
    for key, kind in (("model", str), ("resolution", int), ("netG", dict), ("dtype", str)):
        if not isinstance(arch.get(key), kind) or isinstance(arch.get(key), bool):
            raise PretrainedConfigError(f"{where}: architecture.{key} must be a {kind.__name__}, got "
                                        f"{arch.get(key)!r}")
    for role in ("netG", "netD"):
        if role in arch and not isinstance(arch[role].get("kwargs") if isinstance(arch[role], dict) else None, dict):
            raise PretrainedConfigError(f"{where}: architecture.{role}.kwargs must be a JSON object")
    if arch["dtype"] not in {str(t).replace("torch.", "") for t in DTYPES.values() if t.is_floating_point}:
        raise PretrainedConfigError(f"{where}: architecture.dtype {arch['dtype']!r} is not a floating dtype")
    return arch


def read_config(source) -> dict:
    """The configuration of a pretrained folder (its config.json) or of a lone ``model.safetensors``
    (the architecture in its metadata; the other sections are then ``None``).

    Raises:
        PretrainedConfigError: Missing or malformed config, a wrong format, or config.json and the
            weights' metadata describe different networks.
        WeightsFileError: The weights file is malformed.
    """
    source = os.fspath(source)
    weights = os.path.join(source, WEIGHTS_NAME) if os.path.isdir(source) else source
    _, metadata, _ = read_safetensors_header(weights)
    embedded = metadata.get(_METADATA_KEY)
    if embedded is not None:
        try:
            embedded = json.loads(embedded)
        except json.JSONDecodeError as exc:
            raise PretrainedConfigError(f"{weights}: metadata {_METADATA_KEY} is not valid JSON ({exc})") from exc
    if not os.path.isdir(source):
        if embedded is None:
            raise PretrainedConfigError(
                f"{weights} carries no torch_gan_zoo architecture in its metadata; load the folder it came with "
                f"(with its {CONFIG_NAME})")
        return {"format": FORMAT, "format_version": FORMAT_VERSION,
                "architecture": _check_architecture(embedded, weights), "card": {}, "run": None, "export": None}
    path = os.path.join(source, CONFIG_NAME)
    if not os.path.isfile(path):
        raise PretrainedConfigError(f"{source} is not a pretrained folder: {CONFIG_NAME} is missing")
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PretrainedConfigError(f"{path} is not valid JSON ({exc})") from exc
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise PretrainedConfigError(f"{path} is not a torch_gan_zoo pretrained config (format must be {FORMAT!r})")
    version = config.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise PretrainedConfigError(f"{path}: format_version {version!r} is newer than this library reads "
                                    f"({FORMAT_VERSION}); upgrade torch_gan_zoo")
    _check_architecture(config.get("architecture"), path)
    if embedded is not None and embedded != config["architecture"]:
        raise PretrainedConfigError(f"{path} and {weights} describe different networks (was one of them replaced?)")
    return config


def build_networks(architecture: Mapping, parts=("netG", "netD")):
    """Construct the networks named by an ``architecture`` section, with fresh weights.

    Only classes registered in :mod:`torch_gan_zoo.nets` under ``(model, resolution)`` are used;
    the global RNG is left as it was.

    Returns:
        dict: role -> network, for the requested roles present in ``architecture``.
    """
    from torch_gan_zoo import nets

    try:
        classes = dict(zip(("netG", "netD"), nets.get_model_classes(architecture["model"],
                                                                   architecture["resolution"])))
    except ValueError as exc:
        raise PretrainedConfigError(f"cannot rebuild the pretrained networks: {exc}") from exc
    built = {}
    with torch.random.fork_rng(devices=[]):
        for role in parts:
            if role not in architecture:
                continue
            record = architecture[role]
            try:
                net = classes[role](**record["kwargs"])
                net.restore_attachments(record)
            except (TypeError, ValueError) as exc:
                raise PretrainedConfigError(
                    f"cannot rebuild {role} of {architecture['model']} at {architecture['resolution']}px from "
                    f"its recorded arguments {record['kwargs']}: {exc}") from exc
            built[role] = net
    return built


def load_weights_file(weights, architecture: Mapping, networks: Mapping):
    """Load ``model.safetensors`` into ``networks`` (role -> network), checking every tensor first.

    Raises:
        WeightsFileError: A tensor is missing, unexpected, or has another shape or dtype (named).
    """
    stored = getattr(torch, architecture["dtype"])
    for role, net in networks.items():
        prefix = PART_PREFIXES[role]
        expected = {prefix + k: (tuple(v.shape), stored if v.is_floating_point() else v.dtype)
                    for k, v in net.state_dict().items()}
        tensors = read_safetensors(weights, expected=expected, prefix=prefix)
        state = {k[len(prefix):]: v for k, v in tensors.items()}
        try:
            net.load_state_dict(state, strict=True)
        except RuntimeError as exc:  # pragma: no cover - check_tensors above names every mismatch first
            raise WeightsFileError(f"{weights}: {exc}") from exc
    header, _, _ = read_safetensors_header(weights)
    known = tuple(PART_PREFIXES[r] for r in architecture if r in PART_PREFIXES)
    stray = sorted(k for k in header if not k.startswith(known))
    if stray:
        raise WeightsFileError(f"{weights}: unexpected tensor(s) {stray} belong to no network of the architecture")
    return networks


def update_card(folder, **fields) -> dict:
    """Change model-card fields (:data:`CARD_FIELDS`) of a pretrained folder: config.json and
    README.md are rewritten, the weights are untouched (their SHA-256 stays valid).

    Returns:
        dict: The new config.
    """
    from torch_gan_zoo.zoo.model_card import render_model_card

    unknown = sorted(set(fields) - set(CARD_FIELDS))
    if unknown:
        raise ValueError(f"unknown model card field(s) {unknown}; the fields are {list(CARD_FIELDS)}")
    folder = os.fspath(folder)
    config = read_config(folder)
    if hasattr(fields.get("fid"), "as_dict"):
        fields["fid"] = fields["fid"].as_dict()
    config["card"] = {**(config.get("card") or {}), **fields}
    atomic_write_json(os.path.join(folder, CONFIG_NAME), config)
    atomic_write_bytes(os.path.join(folder, CARD_NAME), render_model_card(folder, config).encode("utf-8"))
    return config
