"""``torch_mimicry.nets.infomax_gan.infomax_gan_32``: InfoMax-GAN at 32x32 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.infomax_gan import infomax_gan_base

__all__ = ["InfoMaxGANGenerator32", "InfoMaxGANDiscriminator32"]


class InfoMaxGANGenerator32(infomax_gan_base.InfoMaxGANBaseGenerator):
    """InfoMax-GAN generator for 32x32 images."""

    def __init__(self, nz=128, ngf=256, bottom_width=4, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 32)

    def forward(self, x):
        """Images (N, 3, 32, 32) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class InfoMaxGANDiscriminator32(infomax_gan_base.BaseDiscriminator):
    """InfoMax-GAN discriminator for 32x32 images."""

    def __init__(self, nrkhs=1024, ndf=128, **kwargs):
        super().__init__(nrkhs=nrkhs, ndf=ndf, **kwargs)
        _resnet.build_infomax_discriminator(self, 32)

    def forward(self, x):
        """``(logits (N, 1), local features, global features (N, ndf))`` of images ``x`` (N, 3, 32, 32)."""
        return _resnet.run_infomax_discriminator(self, x)
