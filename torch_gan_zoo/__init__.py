"""torch_gan_zoo: an object-oriented PyTorch library for training, evaluating and sharing GANs."""
from torch_gan_zoo._version import __version__

__all__ = ["__version__"]
