"""``torch_mimicry.nets.infomax_gan.infomax_gan_48``: InfoMax-GAN at 48x48 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.infomax_gan import infomax_gan_base

__all__ = ["InfoMaxGANGenerator48", "InfoMaxGANDiscriminator48"]


class InfoMaxGANGenerator48(infomax_gan_base.InfoMaxGANBaseGenerator):
    """InfoMax-GAN generator for 48x48 images."""

    def __init__(self, nz=128, ngf=512, bottom_width=6, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 48)

    def forward(self, x):
        """Images (N, 3, 48, 48) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class InfoMaxGANDiscriminator48(infomax_gan_base.BaseDiscriminator):
    """InfoMax-GAN discriminator for 48x48 images."""

    def __init__(self, ndf=1024, nrkhs=1024, **kwargs):
        super().__init__(ndf=ndf, nrkhs=nrkhs, **kwargs)
        _resnet.build_infomax_discriminator(self, 48)

    def forward(self, x):
        """``(logits (N, 1), local features, global features (N, ndf))`` of images ``x`` (N, 3, 48, 48)."""
        return _resnet.run_infomax_discriminator(self, x)
