"""``torch_mimicry.nets.sagan``: SAGAN (class-conditional, as in Mimicry)."""
from torch_gan_zoo.mimicry.nets.sagan.sagan_32 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.sagan.sagan_128 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.sagan.sagan_base import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.sagan import (  # noqa: F401
    sagan_128, sagan_32, sagan_base)
