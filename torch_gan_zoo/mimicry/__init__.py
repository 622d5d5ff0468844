"""Drop-in compatibility with torch-mimicry: ``import torch_gan_zoo.mimicry as mmc``.

The package mirrors ``torch_mimicry``'s public module tree, names, signatures and defaults
(``datasets``, ``metrics``, ``modules``, ``nets``, ``training``, ``utils``), built from this
library's blocks, train steps, Trainer and metrics. A Mimicry script runs after changing its
import lines only; Mimicry checkpoints load (:mod:`torch_gan_zoo.mimicry.convert`). See
``docs/mimicry.rst`` for what differs and why.
"""
from torch_gan_zoo.mimicry import datasets, metrics, modules, nets, training, utils  # noqa: F401

__version__ = "0.1.16"
