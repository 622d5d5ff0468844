"""``torch_mimicry.modules.layers``: spectral-norm layer factories, self-attention and conditional BN.

``SNConv2d``/``SNLinear``/``SNEmbedding`` with ``default=True`` (Mimicry's default) return this
library's layers (:mod:`torch_gan_zoo.modules.layers`, ``torch.nn.utils.parametrizations.spectral_norm``);
checkpoints that Mimicry saved with ``torch.nn.utils.spectral_norm`` (``weight_orig``, ``weight_u``,
``weight_v``) are converted on load by :mod:`torch_gan_zoo.mimicry.convert`. ``default=False`` gives
Mimicry's own layers from :mod:`torch_gan_zoo.mimicry.modules.spectral_norm`.
"""
import torch.nn as nn

from torch_gan_zoo.modules import attention as _attention
from torch_gan_zoo.modules import conditional_bn as _conditional_bn
from torch_gan_zoo.modules import layers as _layers
from torch_gan_zoo.mimicry.modules import spectral_norm

__all__ = ["SelfAttention", "SNConv2d", "SNLinear", "SNEmbedding", "ConditionalBatchNorm2d"]


class SelfAttention(_attention.SelfAttention):
    """SAGAN self-attention (BigGAN's variant): :class:`torch_gan_zoo.modules.SelfAttention` with
    Mimicry's argument name ``num_feat`` (channels C). Input and output (N, C, H, W), H and W even."""

    def __init__(self, num_feat, spectral_norm=True):
        super().__init__(num_feat, spectral_norm=spectral_norm)
        self.num_feat = num_feat
        self.spectral_norm = spectral_norm


def SNConv2d(*args, default=True, **kwargs):
    """A spectrally normalised ``nn.Conv2d(*args, **kwargs)``: this library's (``default=True``) or
    Mimicry's own :class:`~torch_gan_zoo.mimicry.modules.spectral_norm.SNConv2d` (``default=False``)."""
    if default:
        return _layers.maybe_spectral_norm(nn.Conv2d(*args, **kwargs))
    return spectral_norm.SNConv2d(*args, **kwargs)


def SNLinear(*args, default=True, **kwargs):
    """A spectrally normalised ``nn.Linear(*args, **kwargs)``; ``default`` as in :func:`SNConv2d`."""
    if default:
        return _layers.maybe_spectral_norm(nn.Linear(*args, **kwargs))
    return spectral_norm.SNLinear(*args, **kwargs)


def SNEmbedding(*args, default=True, **kwargs):
    """A spectrally normalised ``nn.Embedding(*args, **kwargs)``; ``default`` as in :func:`SNConv2d`."""
    if default:
        return _layers.maybe_spectral_norm(nn.Embedding(*args, **kwargs))
    return spectral_norm.SNEmbedding(*args, **kwargs)


class ConditionalBatchNorm2d(_conditional_bn.ConditionalBatchNorm2d):
    """Class-conditional batch norm: :class:`torch_gan_zoo.modules.ConditionalBatchNorm2d`, with
    Mimicry's initialisation (scales drawn from N(1, 0.02), biases 0).

    Mimicry stores the scales and biases in one embedding ``embed`` (num_classes, 2C); this class
    keeps them as ``gamma`` and ``beta`` (num_classes, C) each and splits Mimicry's on load
    (:func:`torch_gan_zoo.mimicry.convert.convert_state_dict`).

    Shapes: x (N, C, H, W), y (N,) long -> (N, C, H, W).
    """

    def __init__(self, num_features, num_classes):
        super().__init__(num_features, num_classes)
        nn.init.normal_(self.gamma.weight, 1.0, 0.02)
        nn.init.zeros_(self.beta.weight)
