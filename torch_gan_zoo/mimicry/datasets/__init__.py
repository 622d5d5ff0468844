"""``torch_mimicry.datasets``: Mimicry's dataset names and loaders on :func:`torch_gan_zoo.datasets.load_dataset`."""
from torch_gan_zoo.mimicry.datasets.data_utils import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.datasets.image_loader import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.datasets import data_utils, image_loader  # noqa: F401
