"""``torch_mimicry.nets.wgan_gp.wgan_gp_64``: WGAN-GP at 64x64 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.wgan_gp import wgan_gp_base
from torch_gan_zoo.mimicry.nets.wgan_gp import wgan_gp_resblocks

__all__ = ["WGANGPGenerator64", "WGANGPDiscriminator64"]


class WGANGPGenerator64(wgan_gp_base.WGANGPBaseGenerator):
    """WGAN-GP generator for 64x64 images."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 64, block=wgan_gp_resblocks.GBlock, init_output=False)

    def forward(self, x):
        """Images (N, 3, 64, 64) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class WGANGPDiscriminator64(wgan_gp_base.WGANGPBaseDiscriminator):
    """WGAN-GP discriminator for 64x64 images."""

    def __init__(self, ndf=1024, **kwargs):
        super().__init__(ndf=ndf, **kwargs)
        _resnet.build_discriminator(self, 64, "l6", spectral_norm=False,
            blocks=(wgan_gp_resblocks.DBlockOptimized, wgan_gp_resblocks.DBlock))

    def forward(self, x):
        """Logits (N, 1) of images ``x`` (N, 3, 64, 64)."""
        return self.l6(_resnet.run_discriminator(self, x, pooling="mean"))
