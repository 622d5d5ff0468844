"""DCGAN at 32x32 (CIFAR-10): the standard CNN of Miyato et al. (2018) with bottom width 4."""
from torch_gan_zoo.nets.dcgan.base import PAPER
from torch_gan_zoo.nets.dcgan.cnn import StandardCNNDiscriminator, StandardCNNGenerator
from torch_gan_zoo.nets.registry import register_discriminator, register_generator

__all__ = ["DCGANGenerator32", "DCGANDiscriminator32"]


@register_generator("dcgan", 32, paper=PAPER)
class DCGANGenerator32(StandardCNNGenerator):
    """z (N, nz) -> images (N, nc, 32, 32) in [-1, 1]. ngf: width at 4x4 (default 512)."""

    def __init__(self, nz=128, ngf=512, bottom_width=4, nc=3, loss_type="ns"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc, loss_type=loss_type)


@register_discriminator("dcgan", 32, paper=PAPER)
class DCGANDiscriminator32(StandardCNNDiscriminator):
    """Images (N, nc, 32, 32) -> logits (N, 1). ndf: width of the last layer (default 512)."""

    def __init__(self, ndf=512, nc=3, loss_type="ns"):
        super().__init__(ndf=ndf, nc=nc, loss_type=loss_type)
