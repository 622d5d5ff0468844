"""torch_gan_zoo: an object-oriented PyTorch library for training, evaluating and sharing GANs.

Subpackages: :mod:`~torch_gan_zoo.modules` (layers), :mod:`~torch_gan_zoo.losses`,
:mod:`~torch_gan_zoo.nets` (models and registry), :mod:`~torch_gan_zoo.training` (Trainer),
:mod:`~torch_gan_zoo.metrics` (FID, IS, KID, PRDC), :mod:`~torch_gan_zoo.datasets`.
"""
from torch_gan_zoo import datasets, hub, losses, metrics, modules, nets, training, utils
from torch_gan_zoo._version import __version__

__all__ = ["__version__", "datasets", "hub", "losses", "metrics", "modules", "nets", "training", "utils"]
