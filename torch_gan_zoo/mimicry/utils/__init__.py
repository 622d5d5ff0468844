"""``torch_mimicry.utils``."""
from torch_gan_zoo.mimicry.utils.common import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.utils import common  # noqa: F401
