"""``zoo.load``: a registered name, a pretrained folder, a ``model.safetensors`` file or a URL -> ready networks."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import os

import torch

from torch_gan_zoo import hub
from torch_gan_zoo.zoo.pretrained import (
    WEIGHTS_NAME,
    build_networks,
    load_weights_file,
    read_config,
)
from torch_gan_zoo.zoo.registry import get_pretrained
from torch_gan_zoo.zoo.safetensors_file import WeightsFileError

if TYPE_CHECKING:
    from torch_gan_zoo.nets import GANPair

__all__ = ["PARTS", "load", "load_as_model", "resolve_source"]

#: Accepted values of ``part``.
PARTS = {"G": ("netG",), "D": ("netD",), "both": ("netG", "netD")}
_CACHE_SUBDIR = "zoo"


def _is_url(text):
    return isinstance(text, str) and text.startswith(("http://", "https://"))


def _verify(path, sha256, what):
    if sha256 is not None and not hub.check_file_hash(path, sha256):
        raise hub.ChecksumError(f"{what} {path} does not have the expected sha256 {sha256} "
                                f"(it has {hub.sha256_file(path)}): refusing to load it")


def _download(url, sha256, name=None):
    if sha256 is None:
        raise ValueError(f"loading {url} needs sha256= (the file's SHA-256), so that the download can be verified")
    filename = f"{sha256[:16]}-{os.path.basename(url.split('?')[0]) or WEIGHTS_NAME}"
    hint = (f"download {url} yourself and pass its path to zoo.load" if name is None else
            f"download {url} yourself and pass its path to zoo.load instead of {name!r}")
    return hub.cached_download(url, filename, sha256=sha256, subdir=_CACHE_SUBDIR, hint=hint)


def resolve_source(source, sha256: str | None = None) -> str:
    """The local folder or ``model.safetensors`` file that ``source`` designates, downloading it if needed.

    Args:
        source: A registered pretrained name, a folder written by ``save_pretrained``, a
            ``.safetensors`` file, or an http(s) URL of one (``sha256`` then required).
        sha256: Expected SHA-256 of the weights file (checked for folders and files too).

    Raises:
        UnknownPretrainedError: An unknown name (with the closest names).
        FileNotFoundError: A path that does not exist.
        hub.DownloadError: Offline or failed download (the message says where to put the file).
        hub.ChecksumError: The file does not have the expected SHA-256.
    """
    if isinstance(source, os.PathLike):
        source = os.fspath(source)
    if not isinstance(source, str) or not source:
        raise TypeError(f"load() takes a pretrained name, folder, file or URL, got {source!r}")
    if _is_url(source):
        return _download(source, sha256)
    if os.path.isdir(source):
        _verify(os.path.join(source, WEIGHTS_NAME), sha256, "the weights file")
        return source
    if os.path.isfile(source):
        _verify(source, sha256, "the weights file")
        return source
    if os.sep in source or "/" in source or source.endswith(".safetensors") or source.startswith("."):
        raise FileNotFoundError(f"no pretrained folder or weights file at {source}")
    entry = get_pretrained(source)
    if entry.folder is not None:
        folder = entry.local_path
        weights = os.path.join(folder, WEIGHTS_NAME)
        if not os.path.isfile(weights):
            raise FileNotFoundError(f"the pretrained model {entry.name!r} should ship with the package at {weights}, "
                                    "but the file is missing (a broken install?)")
        _verify(weights, entry.sha256, f"the shipped weights of {entry.name!r}")
        return folder
    return _download(entry.url, entry.sha256, entry.name)


def load(source: str | os.PathLike, part: str = "G", device: str | torch.device | None = None,
         sha256: str | None = None):
    """Load pretrained networks, ready to use, in eval mode.

    Args:
        source: A registered name (see :func:`~torch_gan_zoo.zoo.list_pretrained`), a folder
            written by :func:`~torch_gan_zoo.zoo.save_pretrained`, a ``model.safetensors`` file,
            or an http(s) URL of one (downloaded once into the cache through
            :mod:`torch_gan_zoo.hub`: resumed, locked, verified).
        part: ``'G'`` (the generator), ``'D'`` (the discriminator) or ``'both'``.
        device: Where the networks go (default CPU).
        sha256: Expected SHA-256 of the weights file (required for URLs).

    Returns:
        The generator, the discriminator, or ``GANPair(netG, netD)`` for ``part='both'``.

    Raises:
        UnknownPretrainedError: Unknown name; the message lists the closest registered names.
        PretrainedConfigError: config.json is malformed or names an unregistered model.
        WeightsFileError: Malformed safetensors, or tensors that do not fit (named).
        hub.DownloadError / hub.ChecksumError: Download failed, offline without the file
            (the message says where to put it), or wrong SHA-256.
    """
    if part not in PARTS:
        raise ValueError(f"part must be one of {sorted(PARTS)}, got {part!r}")
    path = resolve_source(source, sha256)
    config = read_config(path)
    architecture = config["architecture"]
    missing = [role for role in PARTS[part] if role not in architecture]
    if missing:
        raise WeightsFileError(f"{path} holds no discriminator (it was saved without netD); load part='G'")
    networks = build_networks(architecture, PARTS[part])
    weights = os.path.join(path, WEIGHTS_NAME) if os.path.isdir(path) else path
    load_weights_file(weights, architecture, networks)
    device = torch.device("cpu" if device is None else device)
    for net in networks.values():
        net.to(device).eval()
        net.pretrained_config = config
    if part == "both":
        from torch_gan_zoo.nets import GANPair

        return GANPair(networks["netG"], networks["netD"])
    return networks[PARTS[part][0]]


def load_as_model(pretrained: bool | str | os.PathLike[str], name: str, resolution: int | None = None,
                  arguments: Mapping[str, Any] | None = None) -> GANPair:
    """What ``nets.create_model(name, resolution, pretrained=...)`` returns (``pretrained=True``: the one
    registered pretrained model of that name and resolution): ``GANPair(netG, netD)``
    loaded from ``pretrained`` (``netD`` is ``None`` when the weights hold none), in eval mode.

    Raises:
        TypeError: Constructor arguments were given too (the weights fix the architecture).
        ValueError: ``pretrained`` holds another model or resolution.
    """
    from torch_gan_zoo.nets import GANPair
    from torch_gan_zoo.nets.registry import _parse_name

    if arguments:
        raise TypeError(f"create_model(..., pretrained=...) takes no model arguments (got {sorted(arguments)}): "
                        "the pretrained config fixes the architecture")
    name, resolution = _parse_name(name, resolution)
    if pretrained is True:
        from torch_gan_zoo.zoo.registry import list_pretrained

        rows = [e.name for e in list_pretrained() if (e.model, e.resolution) == (name, resolution)]
        if len(rows) != 1:
            raise ValueError(f"pretrained=True needs exactly one registered pretrained {name} at {resolution}px; "
                             f"found {rows or 'none'}: pass one of their names (zoo.list_pretrained())")
        pretrained = rows[0]
    path = resolve_source(pretrained)
    architecture = read_config(path)["architecture"]
    if (architecture["model"], architecture["resolution"]) != (name, resolution):
        raise ValueError(f"{pretrained!r} holds {architecture['model']} at {architecture['resolution']}px, not "
                         f"{name} at {resolution}px")
    if "netD" in architecture:
        return load(path, part="both")
    return GANPair(load(path, part="G"), None)
