"""``torch_mimicry.metrics.compute_kid``: :func:`kid_score` on :func:`torch_gan_zoo.metrics.compute_kid`."""
from torch_gan_zoo.metrics import api
from torch_gan_zoo.mimicry.metrics import _options

__all__ = ["kid_score"]


def kid_score(num_samples, netG, dataset, seed=0, device=None, num_subsets=10, batch_size=50, verbose=True,
              feat_file=None, log_dir="./log"):
    """KID between ``num_samples`` real and generated images, averaged over ``num_subsets`` subsets of
    ``min(1000, num_samples)`` samples (below 1,000 samples the subsets shrink, as in Mimicry).

    Args:
        feat_file: Not supported (real features are cached by this library, keyed by content and
            settings); giving one raises ``ValueError`` rather than ignoring it.

    Returns:
        tuple: ``(mean, std)``; ``mean`` is a :class:`~torch_gan_zoo.metrics.Score` with its protocol.
    """
    if feat_file is not None:
        raise ValueError("feat_file is not supported: this library caches real features itself "
                         "(keyed by content and every setting); drop the argument")
    opts = _options.options(device=device, batch_size=batch_size, verbose=verbose, seed=seed)
    score = api.compute_kid(_options.real_source(dataset), netG, subsets=num_subsets,
                            subset_size=min(1000, num_samples), num_samples=num_samples, **opts)
    return score, float(getattr(score, "std", 0.0) or 0.0)
