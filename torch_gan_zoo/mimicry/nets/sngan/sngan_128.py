"""``torch_mimicry.nets.sngan.sngan_128``: SNGAN at 128x128 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.sngan import sngan_base

__all__ = ["SNGANGenerator128", "SNGANDiscriminator128"]


class SNGANGenerator128(sngan_base.SNGANBaseGenerator):
    """SNGAN generator for 128x128 images."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 128)

    def forward(self, x):
        """Images (N, 3, 128, 128) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class SNGANDiscriminator128(sngan_base.SNGANBaseDiscriminator):
    """SNGAN discriminator for 128x128 images."""

    def __init__(self, ndf=1024, **kwargs):
        super().__init__(ndf=ndf, **kwargs)
        _resnet.build_discriminator(self, 128, "l7")

    def forward(self, x):
        """Logits (N, 1) of images ``x`` (N, 3, 128, 128)."""
        return self.l7(_resnet.run_discriminator(self, x, pooling="sum"))
