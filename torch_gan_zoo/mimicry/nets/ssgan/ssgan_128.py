"""``torch_mimicry.nets.ssgan.ssgan_128``: SSGAN at 128x128 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.ssgan import ssgan_base
from torch_gan_zoo.mimicry.modules.layers import SNLinear
from torch_gan_zoo.nets.backbones import init_weight_

__all__ = ["SSGANGenerator128", "SSGANDiscriminator128"]


class SSGANGenerator128(ssgan_base.SSGANBaseGenerator):
    """SSGAN generator for 128x128 images."""

    def __init__(self, nz=128, ngf=1024, bottom_width=4, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 128)

    def forward(self, x):
        """Images (N, 3, 128, 128) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class SSGANDiscriminator128(ssgan_base.SSGANBaseDiscriminator):
    """SSGAN discriminator for 128x128 images."""

    def __init__(self, ndf=1024, **kwargs):
        super().__init__(ndf=ndf, **kwargs)
        widths = _resnet.build_discriminator(self, 128, "l7")
        self.l_y = SNLinear(widths[-1], self.num_classes)
        init_weight_(self.l_y, 1.0)

    def forward(self, x):
        """``(logits (N, 1), rotation logits (N, 4))`` of images ``x`` (N, 3, 128, 128)."""
        h = _resnet.run_discriminator(self, x)
        return self.l7(h), self.l_y(h)
