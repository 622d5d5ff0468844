"""``torch_mimicry.nets``: Mimicry's networks, on this library's blocks and train steps."""
from torch_gan_zoo.mimicry.nets import (basemodel, gan, dcgan, wgan_gp, sngan, cgan_pd, ssgan,  # noqa: F401
                                        infomax_gan, sagan)
