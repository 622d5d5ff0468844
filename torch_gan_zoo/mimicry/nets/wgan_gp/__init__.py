"""``torch_mimicry.nets.wgan_gp``: WGAN-GP."""
from torch_gan_zoo.mimicry.nets.wgan_gp.wgan_gp_32 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.wgan_gp.wgan_gp_48 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.wgan_gp.wgan_gp_64 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.wgan_gp.wgan_gp_128 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.wgan_gp.wgan_gp_base import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.wgan_gp.wgan_gp_resblocks import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.wgan_gp import (  # noqa: F401
    wgan_gp_128, wgan_gp_32, wgan_gp_48, wgan_gp_64, wgan_gp_base, wgan_gp_resblocks)
