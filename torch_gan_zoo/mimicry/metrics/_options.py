"""Options shared by the Mimicry-compatible metric functions."""
import os

#: Extra keyword options passed to every :mod:`torch_gan_zoo.metrics` call made by this package
#: (e.g. ``{'inception_weights': path}``, ``{'protocol': 'tf1'}``); empty by default.
DEFAULT_OPTIONS = {}

#: Per-metric extra options (keys ``'fid'``, ``'kid'``, ``'inception_score'``), applied over
#: :data:`DEFAULT_OPTIONS`; e.g. a weights file with the classifier for the Inception Score only.
METRIC_OPTIONS = {}


def options(device=None, batch_size=50, verbose=True, seed=0, metric=None, **extra):
    """Keyword options for :mod:`torch_gan_zoo.metrics` from Mimicry's arguments."""
    opts = {"batch_size": batch_size, "seed": seed, "progress": bool(verbose), **DEFAULT_OPTIONS,
            **METRIC_OPTIONS.get(metric, {}), **extra}
    if device is not None:
        opts["device"] = device
    return opts


def real_source(dataset, root="./datasets"):
    """A Mimicry dataset name (loaded from ``root`` like Mimicry's ``get_<name>_images``) or any input
    :func:`torch_gan_zoo.metrics.compute_fid` takes (a ``Dataset`` of images or of ``(image, label)``
    pairs, a tensor, a folder, ...)."""
    if isinstance(dataset, str) and not os.path.exists(dataset):
        from torch_gan_zoo.mimicry.datasets import data_utils

        return data_utils.load_dataset(root, dataset)
    return dataset
