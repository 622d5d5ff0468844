"""Networks from a table: one generator and one discriminator class per variant, sized by ``resolution=``.

A variant class lists what changes with the image size in a small table, its class attribute
``resolution_defaults`` (``{32: {"ngf": 256, "bottom_width": 4}, 48: {...}}``), and gives those
constructor arguments the default :data:`FROM_TABLE`; :func:`table_defaults` fills them in from the
row of the requested resolution. So ``SNGANGenerator(resolution=48)`` is the 48 px network, and any
argument can still be given explicitly.

The fixed-resolution class names of earlier releases (``SNGANGenerator32`` in the module
``torch_gan_zoo.nets.sngan.sngan_32``) are made here, not written out: :func:`resolution_alias` turns a
table row into a subclass whose signature has that row as defaults and no ``resolution``, so its recorded
constructor arguments, its class path and its state-dict keys are exactly those of the old class, and
checkpoints and ``hparams.json`` files written before keep loading and resuming.
"""
from __future__ import annotations

import inspect
import sys
import types
from collections.abc import Mapping
from typing import Any

__all__ = ["FROM_TABLE", "frozen_table", "with_columns", "table_defaults", "resolution_alias", "install_resolution_modules"]


class _FromTable:
    """Type of :data:`FROM_TABLE`."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "FROM_TABLE"

    def __reduce__(self):
        return "FROM_TABLE"


#: Default of a constructor argument that comes from the class's ``resolution_defaults`` row.
FROM_TABLE: Any = _FromTable()


def frozen_table(rows: Mapping[int, Mapping[str, Any]]) -> Mapping[int, Mapping[str, Any]]:
    """A read-only copy of a ``{resolution: {argument: default}}`` table (no two classes share a mutable row)."""
    return types.MappingProxyType({int(res): types.MappingProxyType(dict(row)) for res, row in rows.items()})


def with_columns(table: Mapping[int, Mapping[str, Any]], **columns: Any) -> Mapping[int, Mapping[str, Any]]:
    """A new frozen table: ``table``'s rows plus one entry per column, given as ``{resolution: value}``
    or as one value for every resolution."""
    def value(column, res):
        return column[res] if isinstance(column, Mapping) else column

    return frozen_table({res: {**row, **{key: value(column, res) for key, column in columns.items()}}
                         for res, row in table.items()})


def table_defaults(model: Any, resolution: int | None, **values: Any) -> tuple[int, dict[str, Any]]:
    """Resolve ``resolution`` and replace each :data:`FROM_TABLE` in ``values`` by its table entry.

    Args:
        model: The network under construction; its class holds ``resolution_defaults``.
        resolution: Image size in pixels, or ``None`` for the class attribute ``resolution`` (set on the
            fixed-resolution aliases and on classes registered with ``register_generator``).
        **values: The constructor's table-driven arguments as given (``FROM_TABLE`` where not given).

    Returns:
        ``(resolution, values)`` with every value filled in. The filled values are also written into the
        model's record of constructor arguments (:meth:`~torch_gan_zoo.nets.BaseModel.hparams`), so a
        checkpoint stores the sizes it was built with, not a reference to a table that may change.

    Raises:
        TypeError: No resolution given and the class has none.
        ValueError: The table has no row (or no entry) for what is asked.
    """
    cls = type(model)
    table = getattr(cls, "resolution_defaults", None) or {}
    if resolution is None:
        resolution = getattr(cls, "resolution", None)
    if resolution is None:
        raise TypeError(f"{cls.__name__} needs resolution=..., one of {sorted(table)}")
    if isinstance(resolution, bool) or not isinstance(resolution, int):
        raise TypeError(f"{cls.__name__}: resolution must be an int, got {resolution!r}")
    missing = [name for name, value in values.items() if value is FROM_TABLE]
    if not missing:
        return resolution, dict(values)
    row = table.get(resolution)
    if row is None or any(name not in row for name in missing):
        have = sorted(table) if row is None else sorted(row)
        raise ValueError(f"{cls.__name__} has no table default of {missing} at {resolution}px "
                         f"(its table has {have}); pass them explicitly")
    filled = {name: row[name] if value is FROM_TABLE else value for name, value in values.items()}
    recorded = model.__dict__.get("_init_kwargs")
    if recorded is not None:
        for name in missing:
            if recorded.get(name) is FROM_TABLE:
                recorded[name] = filled[name]
    return resolution, filled


def resolution_alias(cls: type, resolution: int, module: str | None = None, name: str | None = None) -> type:
    """The fixed-resolution subclass ``<cls.__name__><resolution>`` of a table-driven class.

    Its ``__init__`` has the signature of ``cls.__init__`` without ``resolution`` and with the table row
    of ``resolution`` as defaults; it calls ``cls.__init__(..., resolution=resolution)`` and adds
    nothing else (same layers, same state-dict keys). The class attribute ``resolution`` is set.

    Args:
        cls: A class with ``resolution_defaults`` and a keyword-only ``resolution`` argument.
        resolution: A row of ``cls.resolution_defaults``.
        module: The alias's ``__module__`` (default: ``cls.__module__``), part of its recorded class path.
        name: Its name (default ``f"{cls.__name__}{resolution}"``).

    Raises:
        ValueError: The row lacks a value for an argument whose default is :data:`FROM_TABLE`.
    """
    row = cls.resolution_defaults[resolution]
    signature = inspect.signature(cls.__init__)
    parameters = []
    for parameter in signature.parameters.values():
        if parameter.name == "resolution":
            continue
        if parameter.name in row:
            parameter = parameter.replace(default=row[parameter.name])
        elif parameter.default is FROM_TABLE:
            raise ValueError(f"{cls.__name__}.resolution_defaults[{resolution}] has no {parameter.name!r}")
        parameters.append(parameter)
    alias_signature = signature.replace(parameters=parameters)
    variadic = [p.name for p in parameters if p.kind is inspect.Parameter.VAR_KEYWORD]

    def __init__(self, *args, **kwargs):
        bound = alias_signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        arguments = dict(list(bound.arguments.items())[1:])  # without self
        for var in variadic:
            arguments.update(arguments.pop(var, {}))
        cls.__init__(self, **arguments, resolution=resolution)

    __init__.__signature__ = alias_signature
    name = name or f"{cls.__name__}{resolution}"
    defaults = ", ".join(f"{key}={value!r}" for key, value in row.items())
    doc = (f"{cls.__name__} for {resolution}x{resolution} images, ``{cls.__name__}(resolution={resolution})`` "
           f"under its earlier name; table defaults {defaults}.")
    namespace = {"__init__": __init__, "__module__": module or cls.__module__, "__qualname__": name,
                 "__doc__": doc, "resolution": resolution}
    return type(cls)(name, (cls,), namespace)


def install_resolution_modules(package: str, classes: Mapping[str, type]) -> None:
    """Make each class importable from ``f"{package}.{stem}_<resolution>"``, the per-resolution module of
    earlier releases (``torch_gan_zoo.nets.sngan.sngan_32``), without a file per resolution.

    ``classes`` maps names to fixed-resolution aliases whose ``__module__`` is already that module name.
    The modules are created once, registered in ``sys.modules`` and set as attributes of ``package``, so
    ``import``, ``from ... import`` and ``importlib.import_module`` all find them.
    """
    parent = sys.modules[package]
    for cls in classes.values():
        module = sys.modules.get(cls.__module__)
        if module is None:
            module = types.ModuleType(cls.__module__, f"Earlier home of the {cls.resolution}px classes, now aliases.")
            module.__all__ = []
            sys.modules[cls.__module__] = module
            setattr(parent, cls.__module__.rpartition(".")[2], module)
        setattr(module, cls.__name__, cls)
        module.__all__.append(cls.__name__)
