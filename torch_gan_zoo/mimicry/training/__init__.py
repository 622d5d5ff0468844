"""``torch_mimicry.training``: Trainer, Logger, MetricLog and LRScheduler."""
from torch_gan_zoo.mimicry.training.logger import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.training.metric_log import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.training.scheduler import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.training.trainer import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.training import logger, metric_log, scheduler, trainer  # noqa: F401
