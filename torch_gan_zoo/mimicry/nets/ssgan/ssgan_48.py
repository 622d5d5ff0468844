"""``torch_mimicry.nets.ssgan.ssgan_48``: SSGAN at 48x48 pixels."""
import torch

from torch_gan_zoo.mimicry.nets import _resnet
from torch_gan_zoo.mimicry.nets.ssgan import ssgan_base
from torch_gan_zoo.mimicry.modules.layers import SNLinear
from torch_gan_zoo.nets.backbones import init_weight_

__all__ = ["SSGANGenerator48", "SSGANDiscriminator48"]


class SSGANGenerator48(ssgan_base.SSGANBaseGenerator):
    """SSGAN generator for 48x48 images."""

    def __init__(self, nz=128, ngf=512, bottom_width=6, **kwargs):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, **kwargs)
        _resnet.build_generator(self, 48)

    def forward(self, x):
        """Images (N, 3, 48, 48) in [-1, 1] from noise ``x`` (N, nz)."""
        return _resnet.run_generator(self, x, output=torch.tanh)


class SSGANDiscriminator48(ssgan_base.SSGANBaseDiscriminator):
    """SSGAN discriminator for 48x48 images."""

    def __init__(self, ndf=1024, **kwargs):
        super().__init__(ndf=ndf, **kwargs)
        widths = _resnet.build_discriminator(self, 48, "l5")
        self.l_y = SNLinear(widths[-1], self.num_classes)
        init_weight_(self.l_y, 1.0)

    def forward(self, x):
        """``(logits (N, 1), rotation logits (N, 4))`` of images ``x`` (N, 3, 48, 48)."""
        h = _resnet.run_discriminator(self, x)
        return self.l5(h), self.l_y(h)
