"""``torch_mimicry.nets.infomax_gan.infomax_gan_128``: InfoMax-GAN at 128x128 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.infomax_gan import infomax_gan_base

__all__ = ["InfoMaxGANGenerator128", "InfoMaxGANDiscriminator128"]


class InfoMaxGANGenerator128(infomax_gan_base.InfoMaxGANBaseGenerator):
    """InfoMax-GAN generator for 128x128 images."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 128)

    def forward(self, x):
        """Images (N, 3, 128, 128) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class InfoMaxGANDiscriminator128(infomax_gan_base.BaseDiscriminator):
    """InfoMax-GAN discriminator for 128x128 images."""

    def __init__(self, nrkhs=1024, ndf=1024, **kwargs):
        super().__init__(nrkhs=nrkhs, ndf=ndf, **kwargs)
        _resnet.build_infomax_discriminator(self, 128)

    def forward(self, x):
        """``(logits (N, 1), local features, global features (N, ndf))`` of images ``x`` (N, 3, 128, 128)."""
        return _resnet.run_infomax_discriminator(self, x)
