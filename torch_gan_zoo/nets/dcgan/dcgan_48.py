"""DCGAN at 48x48 (STL-10): the standard CNN of Miyato et al. (2018) with bottom width 6."""
from torch_gan_zoo.nets.dcgan.base import PAPER
from torch_gan_zoo.nets.dcgan.cnn import StandardCNNDiscriminator, StandardCNNGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["DCGANGenerator48", "DCGANDiscriminator48"]


@register_generator("dcgan", 48, paper=PAPER)
class DCGANGenerator48(StandardCNNGenerator):
    """z (N, nz) -> images (N, nc, 48, 48) in [-1, 1]. ngf: width at 6x6 (default 512)."""

    def __init__(self, nz=128, ngf=512, bottom_width=6, nc=3, loss_type="ns"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


@register_discriminator("dcgan", 48, paper=PAPER)
class DCGANDiscriminator48(StandardCNNDiscriminator):
    """Images (N, nc, 48, 48) -> logits (N, 1). ndf: width of the last layer (default 512)."""

    def __init__(self, ndf=512, nc=3, loss_type="ns"):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type)
