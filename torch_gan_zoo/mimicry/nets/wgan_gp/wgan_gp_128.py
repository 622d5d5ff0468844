"""``torch_mimicry.nets.wgan_gp.wgan_gp_128``: WGAN-GP at 128x128 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.wgan_gp import wgan_gp_base
from torch_gan_zoo.mimicry.nets.wgan_gp import wgan_gp_resblocks

__all__ = ["WGANGPGenerator128", "WGANGPDiscriminator128"]


class WGANGPGenerator128(wgan_gp_base.WGANGPBaseGenerator):
    """WGAN-GP generator for 128x128 images."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 128, block=wgan_gp_resblocks.GBlock, init_output=False)

    def forward(self, x):
        """Images (N, 3, 128, 128) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class WGANGPDiscriminator128(wgan_gp_base.WGANGPBaseDiscriminator):
    """WGAN-GP discriminator for 128x128 images."""

    def __init__(self, ndf=1024, **kwargs):
        super().__init__(ndf=ndf, **kwargs)
        _resnet.build_discriminator(self, 128, "l7", spectral_norm=False,
            blocks=(wgan_gp_resblocks.DBlockOptimized, wgan_gp_resblocks.DBlock))

    def forward(self, x):
        """Logits (N, 1) of images ``x`` (N, 3, 128, 128)."""
        return self.l7(_resnet.run_discriminator(self, x, pooling="mean"))
