"""Training: the Trainer loop, per-step metrics, logging, checkpoints, hyperparameter snapshots,
resumable data streams and learning-rate schedules."""
from torch_gan_zoo.training.checkpoint import CheckpointManager
from torch_gan_zoo.training.data import DataStream, ResumableSampler
from torch_gan_zoo.training.evaluation import Evaluator
from torch_gan_zoo.training.hparams import HyperparameterMismatchError
from torch_gan_zoo.training.logger import Logger
from torch_gan_zoo.training.metric_log import MetricLog, MetricWindow, NonFiniteLossError
from torch_gan_zoo.training.run_lock import RunLock, RunLockedError
from torch_gan_zoo.training.schedules import make_lr_scheduler
from torch_gan_zoo.training.trainer import Trainer

__all__ = [
    "CheckpointManager",
    "DataStream",
    "Evaluator",
    "ResumableSampler",
    "HyperparameterMismatchError",
    "Logger",
    "MetricLog",
    "MetricWindow",
    "NonFiniteLossError",
    "RunLock",
    "RunLockedError",
    "make_lr_scheduler",
    "Trainer",
]
