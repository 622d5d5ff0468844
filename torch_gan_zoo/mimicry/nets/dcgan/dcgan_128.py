"""``torch_mimicry.nets.dcgan.dcgan_128``: Mimicry's DCGAN (SNGAN's ResNet, D without SN) at 128x128 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.dcgan import dcgan_base

__all__ = ["DCGANGenerator128", "DCGANDiscriminator128"]


class DCGANGenerator128(dcgan_base.DCGANBaseGenerator):
    """Mimicry's DCGAN (SNGAN's ResNet, D without SN) generator for 128x128 images."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 128)

    def forward(self, x):
        """Images (N, 3, 128, 128) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class DCGANDiscriminator128(dcgan_base.DCGANBaseDiscriminator):
    """Mimicry's DCGAN (SNGAN's ResNet, D without SN) discriminator for 128x128 images."""

    def __init__(self, ndf=1024, **kwargs):
        super().__init__(ndf=ndf, **kwargs)
        _resnet.build_discriminator(self, 128, "l7", spectral_norm=False)

    def forward(self, x):
        """Logits (N, 1) of images ``x`` (N, 3, 128, 128)."""
        return self.l7(_resnet.run_discriminator(self, x, pooling="sum"))
