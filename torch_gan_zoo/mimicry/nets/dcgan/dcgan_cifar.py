"""``torch_mimicry.nets.dcgan.dcgan_cifar``: Mimicry's DCGAN (SNGAN's ResNet, D without SN) at 32x32 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.dcgan import dcgan_base

__all__ = ["DCGANGeneratorCIFAR", "DCGANDiscriminatorCIFAR"]


class DCGANGeneratorCIFAR(dcgan_base.DCGANBaseGenerator):
    """Mimicry's DCGAN (SNGAN's ResNet, D without SN) generator for 32x32 images."""

    def __init__(self, nz=128, ngf=256, bottom_width=4, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 32)

    def forward(self, x):
        """Images (N, 3, 32, 32) in (0, 1) from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.sigmoid)


class DCGANDiscriminatorCIFAR(dcgan_base.DCGANBaseDiscriminator):
    """Mimicry's DCGAN (SNGAN's ResNet, D without SN) discriminator for 32x32 images."""

    def __init__(self, ndf=128, **kwargs):
        super().__init__(ndf=ndf, **kwargs)
        _resnet.build_discriminator(self, 32, "l5", spectral_norm=False)

    def forward(self, x):
        """Logits (N, 1) of images ``x`` (N, 3, 32, 32)."""
        return self.l5(_resnet.run_discriminator(self, x, pooling="sum"))
