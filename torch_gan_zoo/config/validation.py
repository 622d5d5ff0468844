"""Type checking of configuration values: one place that says what a valid value is.

Every value of a :class:`~torch_gan_zoo.config.RunConfig` passes :func:`coerce` exactly once; a wrong value
raises :class:`ConfigError` naming the key, the value and the expected type. :func:`check_positive_int` and
:func:`check_non_negative_int` are the one integer-argument check every constructor and function of the library
shares (the packages that import nothing of ours, ``modules`` and ``losses``, excepted).
"""
from __future__ import annotations

import copy
import difflib
import json
import types
import typing
from typing import Any, Iterable, Literal, Optional, Union

__all__ = ["ConfigError", "check_positive_int", "check_non_negative_int", "coerce", "type_name", "suggest"]


class ConfigError(ValueError, TypeError):
    """A configuration key is unknown or its value has the wrong type; the message names key, value and type.

    A ``ValueError`` (a bad setting) and a ``TypeError`` (of the wrong type), so either ``except`` catches it.
    """


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_positive_int(name: str, value: Any, allow_none: bool = False) -> Optional[int]:
    """Return ``value`` if it is an int >= 1 (or ``None`` when ``allow_none``).

    Raises:
        ValueError: Otherwise, as ``"<name> must be a positive int, got <value>"`` (``"... int or None, ..."``
            with ``allow_none``); no float is truncated, no bool or string taken for an int.
    """
    return _check_int(name, value, 1, "a positive int", allow_none)


def check_non_negative_int(name: str, value: Any, allow_none: bool = False) -> Optional[int]:
    """Return ``value`` if it is an int >= 0 (or ``None`` when ``allow_none``); else raise ``ValueError``
    as :func:`check_positive_int` does (``"<name> must be a non-negative int, got <value>"``)."""
    return _check_int(name, value, 0, "a non-negative int", allow_none)


def _check_int(name: str, value: Any, minimum: int, expected: str, allow_none: bool) -> Optional[int]:
    if allow_none and value is None:
        return None
    if not _is_int(value) or value < minimum:
        raise ValueError(f"{name} must be {expected}{' or None' if allow_none else ''}, got {value!r}")
    return value


def check_switches(**switches: Any) -> None:
    """Check that every keyword's value is ``True`` or ``False`` (a layer option such as ``upsample``).

    Raises:
        TypeError: As ``"<name> must be True or False, not <value>"`` for the first that is not (``1``,
            ``"false"`` and ``None`` are refused: a string ``"false"`` would otherwise switch the option on).
    """
    for name, value in switches.items():
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, not {value!r}")


def suggest(key: str, valid: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the valid name closest to ``key`` (empty if none is close)."""
    close = difflib.get_close_matches(key, list(valid), n=1, cutoff=0.6)
    if not close and "." in key:  # "optD.lrr": compare the last part within the same group
        head, _, tail = key.rpartition(".")
        siblings = [v for v in valid if v.startswith(head + ".")]
        close = [f"{head}.{m}" for m in difflib.get_close_matches(tail, [s[len(head) + 1:] for s in siblings], n=1)]
    return f"; did you mean {close[0]!r}?" if close else ""


def type_name(tp: Any) -> str:
    """A readable name of a type annotation (``'int'``, ``'float or null'``, ``'one of linear'``...)."""
    origin = typing.get_origin(tp)
    if tp is Any:
        return "any JSON value"
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        names = [type_name(a) for a in args if a is not type(None)]
        return " or ".join(names) + (" or null" if type(None) in args else "")
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(tp))
    if origin in (list, tuple):
        args = typing.get_args(tp)
        return f"a list of {type_name(args[0])}" if args else "a list"
    if origin is dict or tp is dict:
        return "a JSON object"
    return getattr(tp, "__name__", str(tp))


def _fail(key: str, value: Any, expected: str) -> ConfigError:
    return ConfigError(f"{key} must be {expected}, got {value!r} ({type(value).__name__})")


def coerce(key: str, value: Any, tp: Any, minimum: Optional[float] = None) -> Any:
    """``value`` checked against the annotation ``tp`` (and ``minimum``), as a fresh JSON-like value.

    Ints accept integral floats (``1e5``) but never truncate (``1.5`` is refused); floats accept ints;
    bools accept only ``true``/``false``; ``Any`` accepts any JSON value.

    Raises:
        ConfigError: The value does not fit; the message names ``key``, the value and the expected type.
    """
    origin = typing.get_origin(tp)
    if tp is Any:
        try:
            return json.loads(json.dumps(value))
        except (TypeError, ValueError):
            raise _fail(key, value, "a JSON value") from None
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None:
            if type(None) in args:
                return None
            raise _fail(key, value, type_name(tp))
        for arg in (a for a in args if a is not type(None)):
            try:
                return coerce(key, value, arg, minimum)
            except ConfigError:
                continue
        raise _fail(key, value, _expected(tp, minimum))
    if origin is Literal:
        if value not in typing.get_args(tp):
            raise _fail(key, value, type_name(tp))
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise _fail(key, value, "true or false")
        return value
    if tp is int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not _is_int(value):
            raise _fail(key, value, "an int" if minimum is None else _bound_name("int", minimum))
        if minimum is not None and value < minimum:
            raise _fail(key, value, _bound_name("int", minimum))
        return value
    if tp is float:
        if not (isinstance(value, (int, float)) and not isinstance(value, bool)):
            raise _fail(key, value, "a number")
        if minimum is not None and value < minimum:
            raise _fail(key, value, f"a number >= {minimum}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise _fail(key, value, "a string")
        return value
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise _fail(key, value, type_name(tp))
        (item,) = typing.get_args(tp)[:1] or (Any,)
        return [coerce(f"{key}[{i}]", v, item) for i, v in enumerate(value)]
    if origin is dict or tp is dict:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise _fail(key, value, "a JSON object")
        return coerce(key, copy.deepcopy(value), Any)
    raise TypeError(f"{key}: unsupported annotation {tp!r}")  # pragma: no cover - a bug in a dataclass


def _expected(tp: Any, minimum: Optional[float]) -> str:
    """What a value of annotation ``tp`` with lower bound ``minimum`` must be, in words."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = typing.get_args(tp)
        names = [_expected(a, minimum) for a in args if a is not type(None)]
        return " or ".join(names) + (" or null" if type(None) in args else "")
    if tp is int:
        return "an int" if minimum is None else _bound_name("int", minimum)
    if tp is float:
        return "a number" if minimum is None else f"a number >= {minimum}"
    return type_name(tp)


def _bound_name(kind: str, minimum: float) -> str:
    if minimum == 1:
        return f"a positive {kind}"
    if minimum == 0:
        return f"a non-negative {kind}"
    return f"an {kind} >= {minimum}"
