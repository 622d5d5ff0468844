"""``torch_mimicry.nets.dcgan``: Mimicry's DCGAN (SNGAN's ResNet, D without SN)."""
from torch_gan_zoo.mimicry.nets.dcgan.dcgan_32 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.dcgan.dcgan_48 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.dcgan.dcgan_64 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.dcgan.dcgan_128 import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.dcgan.dcgan_cifar import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.dcgan.dcgan_base import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.dcgan import (  # noqa: F401
    dcgan_128, dcgan_32, dcgan_48, dcgan_64, dcgan_base, dcgan_cifar)
