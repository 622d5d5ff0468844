"""``torch_mimicry.nets.gan``: the unconditional and conditional GAN bases."""
from torch_gan_zoo.mimicry.nets.gan.cgan import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.gan.gan import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.nets.gan import cgan, gan  # noqa: F401
