"""``torch_mimicry.nets.ssgan``: SSGAN."""
from torch_gan_zoo.mimicry.nets.ssgan.ssgan_32 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.ssgan.ssgan_48 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.ssgan.ssgan_64 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.ssgan.ssgan_128 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.ssgan.ssgan_base import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.ssgan import (  # noqa: F401
    ssgan_128, ssgan_32, ssgan_48, ssgan_64, ssgan_base)
