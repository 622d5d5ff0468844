"""``torch_mimicry.nets.infomax_gan``: InfoMax-GAN."""
from torch_gan_zoo.mimicry.nets.infomax_gan.infomax_gan_32 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.infomax_gan.infomax_gan_48 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.infomax_gan.infomax_gan_64 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.infomax_gan.infomax_gan_128 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.infomax_gan.infomax_gan_base import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.infomax_gan import (  # noqa: F401
    infomax_gan_128, infomax_gan_32, infomax_gan_48, infomax_gan_64, infomax_gan_base)
