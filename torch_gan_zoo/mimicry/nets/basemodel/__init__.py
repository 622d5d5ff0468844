"""``torch_mimicry.nets.basemodel``."""
from torch_gan_zoo.mimicry.nets.basemodel.basemodel import *  # noqa: F401,F403
