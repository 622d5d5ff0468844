"""Run configuration: the typed, nested :class:`RunConfig` (:mod:`torch_gan_zoo.config.run`), its value
checks (:mod:`torch_gan_zoo.config.validation`), the paper presets (:mod:`torch_gan_zoo.config.presets`) and the
named presets measured on one dataset (:mod:`torch_gan_zoo.config.named_presets`)."""
from torch_gan_zoo.config.named_presets import NAMED_PRESETS, get_named_preset, list_named_presets
from torch_gan_zoo.config.presets import PRESETS, get_preset, list_presets, register_preset
from torch_gan_zoo.config.run import (
    CheckpointConfig,
    DataConfig,
    EvaluationConfig,
    LoggingConfig,
    ModelConfig,
    OptimizerConfig,
    RunConfig,
    ScheduleConfig,
    TrainerConfig,
)
from torch_gan_zoo.config.validation import ConfigError, check_positive_int

__all__ = [
    "PRESETS", "get_preset", "list_presets", "register_preset",
    "NAMED_PRESETS", "get_named_preset", "list_named_presets",
    "RunConfig", "ModelConfig", "DataConfig", "OptimizerConfig", "ScheduleConfig", "TrainerConfig", "LoggingConfig",
    "CheckpointConfig", "EvaluationConfig", "ConfigError", "check_positive_int",
]
