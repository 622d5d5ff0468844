"""``torch_mimicry.metrics.compute_fid``: :func:`fid_score` on :func:`torch_gan_zoo.metrics.compute_fid`."""
import os

from torch_gan_zoo.metrics import api
from torch_gan_zoo.mimicry.metrics import _options

__all__ = ["fid_score"]


def fid_score(num_real_samples, num_fake_samples, netG, dataset, seed=0, device=None, batch_size=50, verbose=True,
              stats_file=None, log_dir="./log"):
    """FID between ``num_real_samples`` images of ``dataset`` and ``num_fake_samples`` of ``netG``.

    Args:
        dataset: A Mimicry dataset name (read from ``./datasets``), a Dataset, or any real input of
            :func:`torch_gan_zoo.metrics.compute_fid`.
        stats_file (str, optional): ``.npz`` file of the real statistics: read if it exists, else
            computed and written there (atomically).
        log_dir (str): Unused (the statistics cache is this library's, keyed by content and settings).

    Returns:
        Score: the FID (a float) with its protocol and sample counts.
    """
    opts = _options.options(device=device, batch_size=batch_size, verbose=verbose, seed=seed, metric="fid")
    real = _options.real_source(dataset)
    if stats_file is not None:
        if not os.path.exists(stats_file):
            api.compute_statistics(real, path=stats_file, num_samples=num_real_samples, **opts)
        real = stats_file
    return api.compute_fid(real, netG, num_real_samples=num_real_samples, num_fake_samples=num_fake_samples, **opts)
