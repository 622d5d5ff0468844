"""Deprecated location of the paper presets: they now live in one table, :mod:`torch_gan_zoo.config.presets`.

``nets`` knows nothing about training recipes; this module only forwards the old public names
(``get_preset``, ``list_presets``, ``register_preset``, ``PRESETS``, ``apply_overrides`` and the
``ADAM_*`` settings) so that code written against earlier releases keeps working. Each ``ADAM_*``
attribute is a fresh dict on every access, so no two settings can share one.
"""
from __future__ import annotations

import importlib
from typing import Any

__all__ = [  # provided by __getattr__ below
    "ADAM_DCGAN", "ADAM_SNGAN", "ADAM_STUDIOGAN", "PRESETS", "get_preset", "list_presets",  # noqa: F822
    "apply_overrides", "register_preset",  # noqa: F822
]

_ADAM = {
    "ADAM_SNGAN": {"name": "adam", "lr": 2e-4, "betas": [0.0, 0.9]},
    "ADAM_DCGAN": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999]},
    "ADAM_STUDIOGAN": {"name": "adam", "lr": 2e-4, "betas": [0.5, 0.999], "eps": 1e-6},
}
_FORWARDED = {"PRESETS", "get_preset", "list_presets", "register_preset"}


def __getattr__(name: str) -> Any:
    if name in _ADAM:
        return dict(_ADAM[name], betas=list(_ADAM[name]["betas"]))
    if name in _FORWARDED:
        return getattr(importlib.import_module("torch_gan_zoo.config.presets"), name)
    if name == "apply_overrides":
        return importlib.import_module("torch_gan_zoo.training.recipe").apply_overrides
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
