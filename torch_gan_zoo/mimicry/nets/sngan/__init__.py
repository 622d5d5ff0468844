"""``torch_mimicry.nets.sngan``: SNGAN."""
from torch_gan_zoo.mimicry.nets.sngan.sngan_32 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.sngan.sngan_48 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.sngan.sngan_64 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.sngan.sngan_128 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.sngan.sngan_base import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.sngan import (  # noqa: F401
    sngan_128, sngan_32, sngan_48, sngan_64, sngan_base)
