"""``torch_mimicry.nets.ssgan.ssgan_64``: SSGAN at 64x64 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.ssgan import ssgan_base
from torch_gan_zoo.mimicry.modules.layers import SNLinear
from torch_gan_zoo.nets.backbones import init_weight_

__all__ = ["SSGANGenerator64", "SSGANDiscriminator64"]


class SSGANGenerator64(ssgan_base.SSGANBaseGenerator):
    """SSGAN generator for 64x64 images."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 64)

    def forward(self, x):
        """Images (N, 3, 64, 64) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class SSGANDiscriminator64(ssgan_base.SSGANBaseDiscriminator):
    """SSGAN discriminator for 64x64 images."""

    def __init__(self, ndf=1024, **kwargs):
        super().__init__(ndf=ndf, **kwargs)
        widths = _resnet.build_discriminator(self, 64, "l6")
        self.l_y = SNLinear(widths[-1], self.num_classes)
        init_weight_(self.l_y, 1.0)

    def forward(self, x):
        """``(logits (N, 1), rotation logits (N, 4))`` of images ``x`` (N, 3, 64, 64)."""
        h = _resnet.run_discriminator(self, x)
        return self.l6(h), self.l_y(h)
