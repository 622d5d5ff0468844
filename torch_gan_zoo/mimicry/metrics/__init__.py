"""``torch_mimicry.metrics``: FID, KID and IS with Mimicry's signatures and ``evaluate``'s JSON
layout, computed by :mod:`torch_gan_zoo.metrics` (the TF-Inception protocol of the literature).

What differs from Mimicry, on purpose (see ``docs/mimicry.rst``): images are mapped by the fixed
rule [-1, 1] -> [0, 255] and quantised (Mimicry rescales each set by its observed min/max); every
sample counts exactly once (Mimicry's feature array kept uninitialised rows when N was not a
multiple of the batch size); the generator's train/eval mode is restored after a metric; real
statistics are cached under a key of everything that changes them; KID uses subsets of
``min(1000, N)`` samples. Scores are :class:`torch_gan_zoo.metrics.Score` floats carrying their
protocol, sample counts and weights hash.
"""
from torch_gan_zoo.mimicry.metrics.compute_fid import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.metrics.compute_is import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.metrics.compute_kid import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.metrics.compute_metrics import *  # noqa: F401,F403
from torch_gan_zoo.mimicry.metrics import compute_fid, compute_is, compute_kid, compute_metrics  # noqa: F401
