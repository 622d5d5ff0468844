"""``torch_mimicry.nets.ssgan.ssgan_32``: SSGAN at 32x32 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.ssgan import ssgan_base
from torch_gan_zoo.mimicry.modules import SNLinear
from torch_gan_zoo.nets.backbones import init_weight_

__all__ = ["SSGANGenerator32", "SSGANDiscriminator32"]


class SSGANGenerator32(ssgan_base.SSGANBaseGenerator):
    """SSGAN generator for 32x32 images."""

    def __init__(self, nz=128, ngf=256, bottom_width=4, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 32)

    def forward(self, x):
        """Images (N, 3, 32, 32) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class SSGANDiscriminator32(ssgan_base.SSGANBaseDiscriminator):
    """SSGAN discriminator for 32x32 images."""

    def __init__(self, ndf=128, **kwargs):
        super().__init__(ndf=ndf, **kwargs)
        widths = _resnet.build_discriminator(self, 32, "l5", head_layer=SNLinear)
        self.l_y = SNLinear(widths[-1], self.num_classes)
        init_weight_(self.l_y, 1.0)

    def forward(self, x):
        """``(logits (N, 1), rotation logits (N, 4))`` of images ``x`` (N, 3, 32, 32)."""
        h = _resnet.run_discriminator(self, x)
        return self.l5(h), self.l_y(h)
