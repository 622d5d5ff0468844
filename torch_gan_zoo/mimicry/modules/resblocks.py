"""``torch_mimicry.modules.resblocks``: the ResNet blocks of Mimicry's SNGAN-family networks.

Each is this library's block (:mod:`torch_gan_zoo.modules.resblocks`) set to Mimicry's numerics:
``GBlock`` upsamples bilinearly (``upsample_mode='bilinear'``), and ``DBlock`` feeds ``ReLU(x)`` to its
shortcut (``shortcut_sees_relu=True``), as Mimicry's in-place ReLU on the block input does. Conditional
blocks use Mimicry-initialised :class:`~torch_gan_zoo.mimicry.modules.layers.ConditionalBatchNorm2d`.
"""
from torch_gan_zoo.modules import resblocks as _resblocks
from torch_gan_zoo.mimicry.modules.layers import ConditionalBatchNorm2d

__all__ = ["GBlock", "DBlock", "DBlockOptimized"]


class GBlock(_resblocks.GBlock):
    """Generator block ``BN-ReLU-(bilinear x2)-conv3x3-BN-ReLU-conv3x3`` plus shortcut.

    Shapes: x (N, in_channels, H, W), y (N,) long if ``num_classes`` > 0 ->
    (N, out_channels, 2H, 2W) if ``upsample`` else (N, out_channels, H, W).
    """

    def __init__(self, in_channels, out_channels, hidden_channels=None, upsample=False, num_classes=0,
                 spectral_norm=False):
        super().__init__(in_channels, out_channels, hidden_channels=hidden_channels, upsample=upsample,
                         num_classes=num_classes, spectral_norm=spectral_norm, upsample_mode="bilinear")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.hidden_channels = out_channels if hidden_channels is None else hidden_channels
        self.num_classes = num_classes
        self.spectral_norm = spectral_norm
        if num_classes > 0:
            self.b1 = ConditionalBatchNorm2d(in_channels, num_classes)
            self.b2 = ConditionalBatchNorm2d(self.hidden_channels, num_classes)

    def forward(self, x, y=None):
        """Apply the block; ``y`` (N,) labels for conditional blocks."""
        return super().forward(x, y)


class DBlock(_resblocks.DBlock):
    """Discriminator block ``ReLU-conv3x3-ReLU-conv3x3-(avgpool)`` plus a shortcut that sees ``ReLU(x)``.

    Shapes: x (N, in_channels, H, W) -> (N, out_channels, H/2, W/2) if ``downsample`` else same H, W.
    """

    def __init__(self, in_channels, out_channels, hidden_channels=None, downsample=False, spectral_norm=True):
        super().__init__(in_channels, out_channels, hidden_channels=hidden_channels, downsample=downsample,
                         spectral_norm=spectral_norm, shortcut_sees_relu=True)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.hidden_channels = in_channels if hidden_channels is None else hidden_channels
        self.spectral_norm = spectral_norm

    def forward(self, x):
        """Apply the block to ``x`` (N, C, H, W)."""
        return super().forward(x)


class DBlockOptimized(_resblocks.DBlockOptimized):
    """First discriminator block ``conv3x3-ReLU-conv3x3-avgpool`` plus ``avgpool-conv1x1`` shortcut.

    Shapes: x (N, in_channels, H, W) -> (N, out_channels, H/2, W/2).
    """

    def __init__(self, in_channels, out_channels, spectral_norm=True):
        super().__init__(in_channels, out_channels, spectral_norm=spectral_norm)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.spectral_norm = spectral_norm

    def forward(self, x):
        """Apply the block to images ``x`` (N, C, H, W)."""
        return super().forward(x)
