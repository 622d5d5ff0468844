"""The model registry: every GAN variant registers its generator and discriminator per resolution.

A variant registers its two table-driven classes once (:func:`register_variant`), which registers the
fixed-resolution aliases of every row of their tables; a single class can still be registered at one
resolution with :func:`register_generator` / :func:`register_discriminator`.

>>> from torch_gan_zoo import nets
>>> netG, netD = nets.create_model("sngan", 32, ngf=64, ndf=64)
>>> ("sngan", 32) in nets.list_models()
True
"""
from __future__ import annotations

import fnmatch
import inspect
import sys
import types
from collections import namedtuple
from collections.abc import Callable, Iterable
from typing import Any

from torch_gan_zoo.nets.basemodel import BaseModel
from torch_gan_zoo.nets.table import resolution_alias

__all__ = [
    "GANPair",
    "register_generator",
    "register_discriminator",
    "register_variant",
    "create_model",
    "list_models",
    "get_model_classes",
    "model_info",
    "trusted_class",
]

#: What :func:`create_model` returns: the generator and the discriminator.
GANPair = namedtuple("GANPair", ["netG", "netD"])

_REGISTRY = {}


def _register(role, name, resolution, paper):
    def decorator(cls):
        entry = _REGISTRY.setdefault((name, int(resolution)), {"paper": None})
        if role in entry and entry[role] is not cls:
            raise ValueError(f"{role} of ({name!r}, {resolution}) is already registered as {entry[role].__name__}")
        entry[role] = cls
        if paper:
            entry["paper"] = paper
        cls.resolution = int(resolution)
        cls.model_name = name
        return cls

    return decorator


def register_generator(name: str, resolution: int, paper: str | None = None) -> Callable[[type], type]:
    """Class decorator registering a generator as model ``name`` at ``resolution`` pixels (and setting
    its class attributes ``resolution`` and ``model_name``)."""
    return _register("generator", name, resolution, paper)


def register_discriminator(name: str, resolution: int, paper: str | None = None) -> Callable[[type], type]:
    """Class decorator registering a discriminator as model ``name`` at ``resolution`` pixels (and setting
    its class attributes ``resolution`` and ``model_name``)."""
    return _register("discriminator", name, resolution, paper)


def register_variant(name: str, generator: type, discriminator: type, *, paper: str | None = None,
                     resolutions: Iterable[int] | None = None,
                     module: str | Callable[[int], str] | None = None) -> dict[str, type]:
    """Register a table-driven generator and discriminator (classes taking ``resolution=``, see
    :mod:`torch_gan_zoo.nets.table`) as model ``name`` at every resolution of their tables.

    For each resolution ``r`` the fixed-resolution aliases ``<Generator>r`` and ``<Discriminator>r``
    (:func:`~torch_gan_zoo.nets.table.resolution_alias`) are registered, so ``create_model(name, r)``
    builds them and a checkpoint records their class path. Each alias is also set as an attribute of
    its module when that module is loaded (so checkpoints can find it).

    Args:
        name: Model name for :func:`create_model`.
        generator, discriminator: The classes; ``generator.model_name`` etc. are set to ``name`` if unset.
        paper: Reference shown by :func:`model_info`.
        resolutions: Which rows to register (default: the resolutions both tables have).
        module: The aliases' module name (default: each class's own module), or a function of the
            resolution giving it.

    Returns:
        ``{alias name: alias class}``.
    """
    if resolutions is None:
        resolutions = set(generator.resolution_defaults) & set(discriminator.resolution_defaults)
    aliases = {}
    for resolution in sorted(int(r) for r in resolutions):
        for role, cls in (("generator", generator), ("discriminator", discriminator)):
            if "model_name" not in cls.__dict__:
                cls.model_name = name
            where = module(resolution) if callable(module) else (module or cls.__module__)
            alias = _register(role, name, resolution, paper)(resolution_alias(cls, resolution, module=where))
            if where in sys.modules:
                setattr(sys.modules[where], alias.__name__, alias)
            aliases[alias.__name__] = alias
    return aliases


def register_builtin_variant(package: str, name: str, generator: type, discriminator: type,
                             paper: str | None = None) -> list[str]:
    """:func:`register_variant` for a variant module of this library: the aliases keep the class paths
    of earlier releases (``<package>.<name>_<resolution>.<Class><resolution>``, importable modules
    without files) and become attributes of ``package``, which is also importable under its earlier
    name ``<package>.base``. Returns the aliases' names, for ``__all__``."""
    parent = sys.modules[package]
    aliases = register_variant(name, generator, discriminator, paper=paper, module=lambda r: f"{package}.{name}_{r}")
    for alias_name, alias in aliases.items():
        module = sys.modules.get(alias.__module__)
        if module is None:  # created once, registered so that import and importlib.import_module find it
            module = types.ModuleType(alias.__module__, f"Earlier home of the {alias.resolution}px classes (aliases).")
            module.__all__ = []
            sys.modules[alias.__module__] = module
            setattr(parent, alias.__module__.rpartition(".")[2], module)
        setattr(module, alias_name, alias)
        module.__all__.append(alias_name)
        setattr(parent, alias_name, alias)
    sys.modules.setdefault(f"{package}.base", parent)
    return list(aliases)


def _loaded_subclasses(base):
    """Every subclass of ``base`` that is already defined in this process (nothing is imported)."""
    found, stack = [], [base]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.append(sub)
                stack.append(sub)
    return found


def trusted_class(path: str, allowed_classes: Iterable[type] = ()) -> type | None:
    """The class that a checkpoint or configuration records as ``path`` (``'package.module.QualName'``),
    if it may be rebuilt: the one rule every loader of recorded class paths follows.

    A file never chooses which code is imported, so ``path`` is only looked up among classes already
    loaded in this process and trusted: the registered models, the library's own :class:`BaseModel`
    subclasses, and ``allowed_classes`` (the caller's own classes). It matches a class's own path, or
    an attribute of an already loaded ``torch_gan_zoo`` module that is one of those classes (a
    re-export such as ``torch_gan_zoo.nets.dcgan.DCGANGenerator32``).

    Returns:
        The class, or ``None`` when ``path`` names no trusted class.

    Raises:
        TypeError: ``allowed_classes`` holds something that is not a :class:`BaseModel` subclass.
    """
    allowed = list(allowed_classes or ())
    for cls in allowed:
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            raise TypeError(f"allowed_classes must hold BaseModel subclasses, got {cls!r}")
    trusted = allowed + [cls for entry in _REGISTRY.values() for role, cls in entry.items() if role != "paper"]
    trusted += [c for c in _loaded_subclasses(BaseModel) if c.__module__.partition(".")[0] == "torch_gan_zoo"]
    for cls in trusted:
        if f"{cls.__module__}.{cls.__qualname__}" == path:
            return cls
    module_name, _, name = str(path).rpartition(".")
    if module_name.partition(".")[0] == "torch_gan_zoo":
        found = getattr(sys.modules.get(module_name), name, None)
        if any(found is cls for cls in trusted):
            return found
    return None


def _complete():
    return {key: e for key, e in _REGISTRY.items() if "generator" in e and "discriminator" in e}


def list_models(pattern: str = "*") -> list[tuple[str, int]]:
    """Registered ``(name, resolution)`` pairs whose name matches the glob ``pattern``, sorted."""
    return sorted(key for key in _complete() if fnmatch.fnmatch(key[0], pattern))


def _parse_name(name, resolution):
    if resolution is None and "_" in name:
        base, _, res = name.rpartition("_")
        if res.isdigit():
            return base, int(res)
    if resolution is None:
        raise ValueError(f"create_model({name!r}) needs a resolution, e.g. create_model({name!r}, 32)")
    return name, int(resolution)


def get_model_classes(name: str, resolution: int | None = None) -> tuple[type, type]:
    """``(GeneratorClass, DiscriminatorClass)`` of model ``name`` (``'sngan'`` or ``'sngan_32'``).

    Raises:
        ValueError: Unknown name or resolution; the message lists what exists.
    """
    name, resolution = _parse_name(name, resolution)
    complete = _complete()
    if (name, resolution) not in complete:
        names = sorted({n for n, _ in complete})
        if name not in names:
            raise ValueError(f"unknown model {name!r}; registered models: {', '.join(names)}")
        resolutions = sorted(r for n, r in complete if n == name)
        raise ValueError(f"model {name!r} has no {resolution}px version; available: {resolutions}")
    entry = complete[(name, resolution)]
    return entry["generator"], entry["discriminator"]


def model_info(name: str, resolution: int | None = None) -> dict[str, Any]:
    """A dict describing a registered model: name, resolution, classes, paper and defaults."""
    name, resolution = _parse_name(name, resolution)
    G, D = get_model_classes(name, resolution)
    return {
        "name": name,
        "resolution": resolution,
        "generator": f"{G.__module__}.{G.__qualname__}",
        "discriminator": f"{D.__module__}.{D.__qualname__}",
        "paper": _REGISTRY[(name, resolution)]["paper"],
        "generator_defaults": _defaults(G),
        "discriminator_defaults": _defaults(D),
    }


def _accepted(cls):
    """Names of keyword arguments ``cls(...)`` accepts, following ``**kwargs`` up the MRO."""
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters
        names.update(n for i, (n, p) in enumerate(params.items())
                     if i > 0 and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            break
    return names


def _defaults(cls):
    params = inspect.signature(cls.__init__).parameters
    return {n: p.default for n, p in params.items() if p.default is not inspect.Parameter.empty}


def create_model(name: str, resolution: int | None = None, g_kwargs: dict | None = None,
                 d_kwargs: dict | None = None, pretrained: bool | str | None = None, **kwargs: Any) -> GANPair:
    """Build the generator and discriminator of a registered model.

    Args:
        name (str): Model name (``'sngan'``), or name and resolution (``'sngan_32'``).
        resolution (int, optional): Image size in pixels.
        g_kwargs (dict, optional): Arguments for the generator only.
        d_kwargs (dict, optional): Arguments for the discriminator only.
        pretrained (str or True, optional): Load trained weights instead: a pretrained name of
            :func:`torch_gan_zoo.zoo.list_pretrained` (``True``: the only one of this model and
            resolution), a folder or a ``model.safetensors`` file (see
            :func:`torch_gan_zoo.zoo.load`); it must hold this model at this resolution, and no other
            arguments may be given. The networks come in eval mode (``netD`` is ``None`` if the
            weights hold no discriminator).
        **kwargs: Arguments routed to whichever constructor accepts them (both, for shared ones
            such as ``loss_type``, ``nc`` or ``num_classes``).

    Returns:
        GANPair: ``(netG, netD)``.

    Raises:
        ValueError: Unknown model or resolution.
        TypeError: An argument neither constructor accepts.
    """
    if pretrained is not None:
        from torch_gan_zoo.zoo.loading import load_as_model  # nets never imports the zoo at import time

        return load_as_model(pretrained, name, resolution, g_kwargs or d_kwargs or kwargs)
    G, D = get_model_classes(name, resolution)
    g_names, d_names = _accepted(G), _accepted(D)
    unknown = [key for key in kwargs if key not in g_names | d_names]
    if unknown:
        raise TypeError(
            f"{name}: unexpected argument(s) {unknown}; generator accepts {sorted(g_names)}, "
            f"discriminator accepts {sorted(d_names)}"
        )
    g_kw = {**{k: v for k, v in kwargs.items() if k in g_names}, **(g_kwargs or {})}
    d_kw = {**{k: v for k, v in kwargs.items() if k in d_names}, **(d_kwargs or {})}
    return GANPair(G(**g_kw), D(**d_kw))
