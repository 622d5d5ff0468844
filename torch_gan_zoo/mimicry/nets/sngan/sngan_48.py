"""``torch_mimicry.nets.sngan.sngan_48``: SNGAN at 48x48 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.sngan import sngan_base

__all__ = ["SNGANGenerator48", "SNGANDiscriminator48"]


class SNGANGenerator48(sngan_base.SNGANBaseGenerator):
    """SNGAN generator for 48x48 images."""

    def __init__(self, nz=128, ngf=512, bottom_width=6, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 48)

    def forward(self, x):
        """Images (N, 3, 48, 48) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class SNGANDiscriminator48(sngan_base.SNGANBaseDiscriminator):
    """SNGAN discriminator for 48x48 images."""

    def __init__(self, ndf=1024, **kwargs):
        super().__init__(ndf=ndf, **kwargs)
        _resnet.build_discriminator(self, 48, "l5")

    def forward(self, x):
        """Logits (N, 1) of images ``x`` (N, 3, 48, 48)."""
        return self.l5(_resnet.run_discriminator(self, x, pooling="sum"))
