"""``torch_mimicry.nets.dcgan.dcgan_64``: Mimicry's DCGAN (SNGAN's ResNet, D without SN) at 64x64 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.dcgan import dcgan_base

__all__ = ["DCGANGenerator64", "DCGANDiscriminator64"]


class DCGANGenerator64(dcgan_base.DCGANBaseGenerator):
    """Mimicry's DCGAN (SNGAN's ResNet, D without SN) generator for 64x64 images."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 64)

    def forward(self, x):
        """Images (N, 3, 64, 64) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class DCGANDiscriminator64(dcgan_base.DCGANBaseDiscriminator):
    """Mimicry's DCGAN (SNGAN's ResNet, D without SN) discriminator for 64x64 images."""

    def __init__(self, ndf=1024, **kwargs):
        super().__init__(ndf=ndf, **kwargs)
        _resnet.build_discriminator(self, 64, "l6", spectral_norm=False)

    def forward(self, x):
        """Logits (N, 1) of images ``x`` (N, 3, 64, 64)."""
        return self.l6(_resnet.run_discriminator(self, x, pooling="sum"))
