"""What DCGAN's resolutions share: a layer stack ``self.main`` built by each resolution, the
DCGAN weight initialisation, and the non-saturating loss by default.

The discriminators have no batch norm, so a sample's logit never depends on the rest of its batch:
that keeps them compatible with gradient penalties, R1 and DistributedDataParallel.
"""
import torch.nn as nn

from torch_gan_zoo.nets.gan import BaseDiscriminator, BaseGenerator

PAPER = "Radford et al., Unsupervised Representation Learning with Deep Convolutional GANs, ICLR 2016"

__all__ = ["DCGANBaseGenerator", "DCGANBaseDiscriminator", "init_dcgan_weights", "PAPER"]


def init_dcgan_weights(module):
    """DCGAN initialisation: conv/linear weights ~ N(0, 0.02), batch-norm scales ~ N(1, 0.02), biases 0."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm2d, nn.BatchNorm1d)):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class DCGANBaseGenerator(BaseGenerator):
    """DCGAN generator: ``forward(z) = self.main(z)``, z (N, nz) -> images (N, nc, H, W) in [-1, 1].

    Each resolution builds ``self.main`` (an ``nn.Sequential``) and calls ``self.apply(init_dcgan_weights)``.
    ``ngf`` is the width of the first (smallest) feature map.
    """

    def __init__(self, nz, ngf, bottom_width, nc=3, loss_type="ns"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type)
        self.nc = nc

    def forward(self, z):
        """Images (N, nc, H, W) in [-1, 1] from noise ``z`` (N, nz)."""
        return self.main(z)


class DCGANBaseDiscriminator(BaseDiscriminator):
    """DCGAN discriminator: ``forward(x) = self.main(x)``, images (N, nc, H, W) -> logits (N, 1).

    ``ndf`` is the width of the last (smallest) feature map.
    """

    def __init__(self, ndf, nc=3, loss_type="ns"):
        super().__init__(ndf=ndf, loss_type=loss_type)
        self.nc = nc

    def forward(self, x):
        """Logits (N, 1) of images ``x`` (N, nc, H, W)."""
        return self.main(x)
