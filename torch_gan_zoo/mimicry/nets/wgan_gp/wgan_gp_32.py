"""``torch_mimicry.nets.wgan_gp.wgan_gp_32``: WGAN-GP at 32x32 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.wgan_gp import wgan_gp_base
from torch_gan_zoo.mimicry.nets.wgan_gp import wgan_gp_resblocks

__all__ = ["WGANGPGenerator32", "WGANGPDiscriminator32"]


class WGANGPGenerator32(wgan_gp_base.WGANGPBaseGenerator):
    """WGAN-GP generator for 32x32 images."""

    def __init__(self, nz=128, ngf=256, bottom_width=4, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 32, block=wgan_gp_resblocks.GBlock, init_output=False)

    def forward(self, x):
        """Images (N, 3, 32, 32) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class WGANGPDiscriminator32(wgan_gp_base.WGANGPBaseDiscriminator):
    """WGAN-GP discriminator for 32x32 images."""

    def __init__(self, ndf=128, **kwargs):
        super().__init__(ndf=ndf, **kwargs)
        _resnet.build_discriminator(self, 32, "l5", spectral_norm=False,
            blocks=(wgan_gp_resblocks.DBlockOptimized, wgan_gp_resblocks.DBlock))

    def forward(self, x):
        """Logits (N, 1) of images ``x`` (N, 3, 32, 32)."""
        return self.l5(_resnet.run_discriminator(self, x, pooling="mean"))
