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
import types
from collections.abc import Mapping
from typing import Any

__all__ = ["FROM_TABLE", "frozen_table", "with_columns", "table_defaults", "derived_class", "resolution_alias"]


class _FromTable:
    def __repr__(self) -> str:
        return "FROM_TABLE"


#: Default of a constructor argument that comes from the class's ``resolution_defaults`` row.
FROM_TABLE: Any = _FromTable()


def frozen_table(rows: Mapping[int, Mapping[str, Any]]) -> Mapping[int, Mapping[str, Any]]:
    """A read-only copy of a ``{resolution: {argument: default}}`` table (no two classes share a mutable row)."""
    return types.MappingProxyType({int(res): types.MappingProxyType(dict(row)) for res, row in rows.items()})


def with_columns(table: Mapping[int, Mapping[str, Any]], **columns: Any) -> Mapping[int, Mapping[str, Any]]:
    """A new frozen table: ``table``'s rows plus one entry per column, given as ``{resolution: value}``
    or as one value for every resolution."""
    return frozen_table({res: {**row, **{key: column[res] if isinstance(column, Mapping) else column
                                         for key, column in columns.items()}} for res, row in table.items()})


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


def derived_class(cls: type, name: str, defaults: Mapping[str, Any], *, fixed: Mapping[str, Any] | None = None,
                  module: str | None = None, doc: str | None = None, **attributes: Any) -> type:
    """A subclass of ``cls`` that changes only constructor defaults (no layers, same state-dict keys).

    Its ``__init__`` has the signature of ``cls.__init__`` with ``defaults`` as defaults and without the
    arguments in ``fixed``, and calls ``cls.__init__`` with them added. So it records its own arguments
    (:meth:`~torch_gan_zoo.nets.BaseModel.hparams`) and :func:`inspect.signature` shows its defaults.

    Args:
        cls: The class. name: The subclass's name. defaults: ``{argument: new default}``.
        fixed: ``{argument: value}`` always passed (e.g. ``resolution``), no longer accepted.
        module: Its ``__module__`` (default ``cls.__module__``), part of its recorded class path.
        doc: Its docstring.
        attributes: Class attributes to set (keyword arguments).
    """
    fixed = dict(fixed or {})
    signature = inspect.signature(cls.__init__)
    parameters = [p.replace(default=defaults[p.name]) if p.name in defaults else p
                  for p in signature.parameters.values() if p.name not in fixed]
    new_signature = signature.replace(parameters=parameters)
    variadic = [p.name for p in parameters if p.kind is inspect.Parameter.VAR_KEYWORD]

    def __init__(self, *args, **kwargs):
        bound = new_signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        arguments = dict(list(bound.arguments.items())[1:])  # without self
        for var in variadic:
            arguments.update(arguments.pop(var, {}))
        cls.__init__(self, **arguments, **fixed)

    __init__.__signature__ = new_signature
    namespace = {"__init__": __init__, "__module__": module or cls.__module__, "__qualname__": name, "__doc__": doc,
                 **attributes}
    return type(cls)(name, (cls,), namespace)


def resolution_alias(cls: type, resolution: int, module: str | None = None, name: str | None = None) -> type:
    """The fixed-resolution subclass ``<cls.__name__><resolution>`` of a table-driven class: a
    :func:`derived_class` with the table row of ``resolution`` as defaults and ``resolution`` fixed (and
    set as class attribute), so the same layers and state-dict keys as ``cls(resolution=resolution)``.

    Raises:
        ValueError: The row lacks a value for an argument whose default is :data:`FROM_TABLE`.
    """
    row = cls.resolution_defaults[resolution]
    for parameter in inspect.signature(cls.__init__).parameters.values():
        if parameter.default is FROM_TABLE and parameter.name not in row:
            raise ValueError(f"{cls.__name__}.resolution_defaults[{resolution}] has no {parameter.name!r}")
    defaults = ", ".join(f"{key}={value!r}" for key, value in row.items())
    doc = (f"{cls.__name__} for {resolution}x{resolution} images, ``{cls.__name__}(resolution={resolution})`` "
           f"under its earlier name; table defaults {defaults}.")
    return derived_class(cls, name or f"{cls.__name__}{resolution}", row, fixed={"resolution": resolution},
                         module=module, doc=doc, resolution=resolution)
