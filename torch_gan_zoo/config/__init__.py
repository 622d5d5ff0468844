"""Run configuration: the paper presets (:mod:`torch_gan_zoo.config.presets`)."""
from torch_gan_zoo.config.presets import PRESETS, get_preset, list_presets, register_preset

__all__ = ["PRESETS", "get_preset", "list_presets", "register_preset"]
