"""DCGAN: convolutional GANs with batch-norm generators and the non-saturating loss
(Radford et al., ICLR 2016), at the layer sizes the literature uses per resolution.

One generator and one discriminator class (``resolution=``), with the DCGAN weight initialisation:

* 28 px (MNIST, Fashion-MNIST): the InfoGAN paper's MNIST networks (Chen et al., 2016), grayscale.
  Generator: FC 8 ngf, FC 7x7xngf, deconv ngf/2, deconv nc. Discriminator: conv ndf/2, conv ndf,
  FC 8 ndf, FC 1 (LeakyReLU 0.1).
* 32 and 48 px (CIFAR-10, STL-10): the "standard CNN" of Miyato et al. (2018, Table 3).
  Generator: dense -> bw x bw x ngf, three deconv-BN-ReLU (ngf/2, ngf/4, ngf/8), conv3x3 -> tanh.
  Discriminator: conv3x3 ndf/8, conv4x4/2 ndf/8, conv3x3 ndf/4, conv4x4/2 ndf/4, conv3x3 ndf/2,
  conv4x4/2 ndf/2, conv3x3 ndf (LeakyReLU 0.1), dense -> 1.
* 64 px (CelebA, LSUN): Radford et al. (2016). Generator: project to 4x4xngf, four deconv-BN-ReLU,
  deconv -> tanh. Discriminator: four conv4x4/2 with LeakyReLU 0.2 (ndf/8 .. ndf), conv4x4 -> 1.

The discriminators have no batch norm, so a sample's logit never depends on the rest of its batch:
that keeps them compatible with gradient penalties, R1 and DistributedDataParallel.
"""
from __future__ import annotations

import functools

import torch
import torch.nn as nn

from torch_gan_zoo.config.validation import check_positive_int, check_switches
from torch_gan_zoo.modules import DownConvBlock, UpConvBlock, UpsampleConvBlock
from torch_gan_zoo.modules.coords import with_coords
from torch_gan_zoo.modules.weight_init import init_dcgan_weights
from torch_gan_zoo.nets.gan import BaseDiscriminator, BaseGenerator
from torch_gan_zoo.nets.registry import register_builtin_variant
from torch_gan_zoo.nets.table import FROM_TABLE, frozen_table, table_defaults

PAPER = "Radford et al., Unsupervised Representation Learning with Deep Convolutional GANs, ICLR 2016"

__all__ = ["DCGANGenerator", "DCGANDiscriminator", "DCGANBaseGenerator", "DCGANBaseDiscriminator",
           "init_dcgan_weights", "dcgan_discriminator_trunk", "PAPER"]


class DCGANBaseGenerator(BaseGenerator):
    """A DCGAN-style generator whose ``forward(z)`` is ``self.main(z)``: z (N, nz) -> images (N, nc, H, W)
    in [-1, 1]. Subclasses build ``self.main``; :class:`DCGANGenerator` does it from its table."""

    def __init__(self, nz: int, ngf: int | None = None, bottom_width: int | None = None, nc: int = 3,
                 loss_type: str = "ns"):
        super().__init__(nz=nz, ngf=ngf, bottom_width=bottom_width, loss_type=loss_type)
        self.nc = nc

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """Images (N, nc, H, W) in [-1, 1] from noise ``z`` (N, nz)."""
        return self.main(z)


class DCGANBaseDiscriminator(BaseDiscriminator):
    """A DCGAN-style discriminator whose ``forward(x)`` is ``self.main(x)``: images (N, nc, H, W) -> logits (N, 1)."""

    def __init__(self, ndf: int | None = None, nc: int = 3, loss_type: str = "ns"):
        super().__init__(ndf=ndf, loss_type=loss_type)
        self.nc = nc

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (N, 1) of images ``x`` (N, nc, H, W)."""
        return self.main(x)


def _infogan_generator(nz, ngf, bw, nc, upsample=False, coord_conv=False, conv_width=1):
    hidden = 8 * ngf
    c = [ngf // 2 * conv_width, ngf // 4 * conv_width]  # the channels of the convolutions
    head = [nn.Linear(nz, hidden), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True),
            nn.Linear(hidden, bw * bw * ngf), nn.BatchNorm1d(bw * bw * ngf), nn.ReLU(inplace=True),
            nn.Unflatten(1, (ngf, bw, bw))]
    if upsample:  # two resize-convolutions, then a 3x3 convolution to the image
        return nn.Sequential(*head, UpsampleConvBlock(ngf, c[0], coords=coord_conv),
                             UpsampleConvBlock(c[0], c[1], coords=coord_conv),
                             *with_coords(coord_conv, nn.Conv2d, c[1], nc, 3, 1, 1), nn.Tanh())
    return nn.Sequential(*head, UpConvBlock(ngf, c[0], coords=coord_conv),
                         *with_coords(coord_conv, nn.ConvTranspose2d, c[0], nc, 4, 2, 1), nn.Tanh())


def _upconv_generator(nz, ngf, bw, nc, upsample=False, coord_conv=False, conv_width=1, output_layer=nn.Conv2d,
                      **output_options):
    """Dense -> bw x bw x ngf, BN, ReLU, three deconv-BN-ReLU (ngf/2, ngf/4, ngf/8, each times ``conv_width``)
    (resize-convolutions with ``upsample``), then ``output_layer(ngf // 8 * conv_width, nc, **output_options)``
    -> tanh; with ``upsample`` a stride-2 transposed output layer becomes x2 up-sampling and a 3x3 convolution.
    ``coord_conv`` appends the pixel coordinates to the input of every layer after the dense one."""
    block = functools.partial(UpsampleConvBlock if upsample else UpConvBlock, coords=coord_conv)
    c = [ngf // 2 * conv_width, ngf // 4 * conv_width, ngf // 8 * conv_width]
    if upsample and output_layer is nn.ConvTranspose2d:
        output = [nn.Upsample(scale_factor=2, mode="nearest"),
                  *with_coords(coord_conv, nn.Conv2d, c[2], nc, 3, 1, 1)]
    else:
        output = with_coords(coord_conv, output_layer, c[2], nc, **output_options)
    return nn.Sequential(
        nn.Linear(nz, bw * bw * ngf), nn.Unflatten(1, (ngf, bw, bw)), nn.BatchNorm2d(ngf), nn.ReLU(inplace=True),
        block(ngf, c[0]), block(c[0], c[1]), block(c[1], c[2]), *output, nn.Tanh(),
    )


def _infogan_discriminator(ndf, nc, resolution):
    trunk = [DownConvBlock(nc, ndf // 2), DownConvBlock(ndf // 2, ndf), nn.Flatten(),
             nn.Linear(7 * 7 * ndf, 8 * ndf), nn.LeakyReLU(0.1, inplace=True)]
    return trunk, [nn.Linear(8 * ndf, 1)], 8 * ndf


def _standard_cnn_discriminator(ndf, nc, resolution):
    c = [ndf // 8, ndf // 4, ndf // 2]
    bottom = resolution // 8
    trunk = [DownConvBlock(nc, c[0], 3, 1), DownConvBlock(c[0], c[0]), DownConvBlock(c[0], c[1], 3, 1),
             DownConvBlock(c[1], c[1]), DownConvBlock(c[1], c[2], 3, 1), DownConvBlock(c[2], c[2]),
             DownConvBlock(c[2], ndf, 3, 1), nn.Flatten()]
    return trunk, [nn.Linear(bottom * bottom * ndf, 1)], bottom * bottom * ndf


def _radford_discriminator(ndf, nc, resolution):
    trunk = [DownConvBlock(nc, ndf // 8, negative_slope=0.2), DownConvBlock(ndf // 8, ndf // 4, negative_slope=0.2),
             DownConvBlock(ndf // 4, ndf // 2, negative_slope=0.2), DownConvBlock(ndf // 2, ndf, negative_slope=0.2)]
    # The last conv4x4 covers the whole 4x4 map: a linear map of the flattened trunk output.
    return trunk, [nn.Conv2d(ndf, 1, 4, 1, 0), nn.Flatten()], 4 * 4 * ndf


#: The layer stacks per resolution:
#: ``(generator(nz, ngf, bottom_width, nc, upsample, coord_conv, conv_width), discriminator(ndf, nc, resolution))``.
#: A discriminator stack returns ``(trunk layers, head layers, F)``: the trunk maps images to features whose
#: flattened length is F, the head maps those to logits (N, 1); the DCGAN discriminator is the two in sequence.
STACKS = {
    28: (_infogan_generator, _infogan_discriminator),
    32: (functools.partial(_upconv_generator, kernel_size=3, padding=1), _standard_cnn_discriminator),
    48: (functools.partial(_upconv_generator, kernel_size=3, padding=1), _standard_cnn_discriminator),
    64: (functools.partial(_upconv_generator, output_layer=nn.ConvTranspose2d, kernel_size=4, stride=2, padding=1),
         _radford_discriminator),
}


def dcgan_discriminator_trunk(ndf: int, nc: int, resolution: int) -> tuple[nn.Sequential, int]:
    """The DCGAN discriminator of ``resolution`` px without its output layer, and its feature length F:
    images (N, nc, resolution, resolution) -> features (N, F) (the last hidden activations, flattened).

    Raises:
        ValueError: No DCGAN stack at ``resolution``.
    """
    trunk, _, features = _stack("DCGAN", resolution, 1)(ndf, nc, resolution)
    if not any(isinstance(layer, nn.Flatten) for layer in trunk):
        trunk.append(nn.Flatten())
    return nn.Sequential(*trunk), features


def _stack(name, resolution, role):
    """The layer-stack builder of ``role`` (0: generator, 1: discriminator) at ``resolution``; a ValueError
    naming ``name`` if there is none."""
    if resolution not in STACKS:
        raise ValueError(f"{name} has layers for {sorted(STACKS)} px, not {resolution}")
    return STACKS[resolution][role]


class DCGANGenerator(DCGANBaseGenerator):
    """DCGAN generator: z (N, nz) -> images (N, nc, resolution, resolution) in [-1, 1].

    Args:
        nz: Noise dimension. ngf: Width of the first (smallest) feature map. bottom_width: Its size.
        nc: Image channels. loss_type: Adversarial loss (default ``'ns'``).
        upsample: Double the feature maps by nearest-neighbour up-sampling + 3x3 convolution
            (:class:`~torch_gan_zoo.modules.UpsampleConvBlock`) instead of transposed convolutions; at 28 px
            this also adds a third 3x3 convolution layer (ngf/2 -> ngf/4 channels at full size). Default
            ``False``: the papers' networks. The quickstart uses it: the transposed 28 and 32 px stacks paint
            checkerboard blobs on ``shapes`` within its step budget (docs/quickstart.rst).
        coord_conv: Append the pixel coordinates as two channels to the input of every convolution
            (:class:`~torch_gan_zoo.modules.AddCoords`, CoordConv): one layer can then draw a straight edge
            at any angle and place. Default ``False``: the papers' networks.
        conv_width: A positive integer that multiplies the output channels of every convolution after the
            dense layers (the last one's, the image's, excepted): 2 doubles the up-sampling path (at 28 px
            ngf/2, ngf/4 become ngf, ngf/2) without widening the dense layers, which hold most of the weights
            (at 28 px, 6.5 M of 6.6 M with ngf=128). Default 1: the papers' networks.
        resolution: 28, 32, 48 or 64 (see the module docstring); ``FROM_TABLE`` arguments take that row of
            :attr:`resolution_defaults` (28 px is grayscale).
    """

    resolution_defaults = frozen_table({
        28: {"nz": 62, "ngf": 128, "bottom_width": 7, "nc": 1},
        32: {"nz": 128, "ngf": 512, "bottom_width": 4, "nc": 3},
        48: {"nz": 128, "ngf": 512, "bottom_width": 6, "nc": 3},
        64: {"nz": 100, "ngf": 512, "bottom_width": 4, "nc": 3},
    })

    def __init__(self, nz: int = FROM_TABLE, ngf: int = FROM_TABLE, bottom_width: int = FROM_TABLE,
                 nc: int = FROM_TABLE, loss_type: str = "ns", upsample: bool = False, coord_conv: bool = False,
                 conv_width: int = 1, *, resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, nz=nz, ngf=ngf, bottom_width=bottom_width, nc=nc)
        check_switches(upsample=upsample, coord_conv=coord_conv)
        conv_width = check_positive_int("conv_width", conv_width)
        super().__init__(loss_type=loss_type, **sizes)
        self.resolution = resolution
        self.upsample, self.coord_conv, self.conv_width = upsample, coord_conv, conv_width
        self.main = _stack(type(self).__name__, resolution, 0)(self.nz, self.ngf, self.bottom_width, self.nc,
                                                                upsample=upsample, coord_conv=coord_conv,
                                                                conv_width=conv_width)
        self.apply(init_dcgan_weights)


class DCGANDiscriminator(DCGANBaseDiscriminator):
    """DCGAN discriminator: images (N, nc, resolution, resolution) -> logits (N, 1).

    Args:
        ndf: Width of the last (smallest) feature map. nc: Image channels. loss_type: Adversarial loss.
        resolution: 28, 32, 48 or 64 (see :class:`DCGANGenerator`).
    """

    resolution_defaults = frozen_table({28: {"ndf": 128, "nc": 1}, 32: {"ndf": 512, "nc": 3},
                                        48: {"ndf": 512, "nc": 3}, 64: {"ndf": 512, "nc": 3}})

    def __init__(self, ndf: int = FROM_TABLE, nc: int = FROM_TABLE, loss_type: str = "ns", *,
                 resolution: int | None = None):
        resolution, sizes = table_defaults(self, resolution, ndf=ndf, nc=nc)
        super().__init__(loss_type=loss_type, **sizes)
        self.resolution = resolution
        trunk, head, _ = _stack(type(self).__name__, resolution, 1)(self.ndf, self.nc, resolution)
        self.main = nn.Sequential(*trunk, *head)
        self.apply(init_dcgan_weights)

__all__.extend(register_builtin_variant(__name__, "dcgan", DCGANGenerator, DCGANDiscriminator, PAPER))
