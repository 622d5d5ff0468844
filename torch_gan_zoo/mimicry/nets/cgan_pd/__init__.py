"""``torch_mimicry.nets.cgan_pd``: cGAN-PD."""
from torch_gan_zoo.mimicry.nets.cgan_pd.cgan_pd_32 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.cgan_pd.cgan_pd_128 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.cgan_pd.cgan_pd_base import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.cgan_pd import (  # noqa: F401
    cgan_pd_128, cgan_pd_32, cgan_pd_base)
