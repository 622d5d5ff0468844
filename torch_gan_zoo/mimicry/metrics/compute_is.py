"""``torch_mimicry.metrics.compute_is``: :func:`inception_score` on :func:`torch_gan_zoo.metrics.compute_is`."""
from torch_gan_zoo.metrics import api
from torch_gan_zoo.mimicry.metrics import _options

__all__ = ["inception_score"]


def inception_score(num_samples, netG, device=None, batch_size=50, splits=10, log_dir="./log", seed=0,
                    print_every=20):
    """Inception Score of ``num_samples`` images of ``netG`` over ``splits`` splits.

    Returns:
        tuple: ``(mean, std)``; ``mean`` is a :class:`~torch_gan_zoo.metrics.Score` with its protocol.
    """
    score = api.compute_is(netG, splits=splits, num_samples=num_samples,
                           **_options.options(device=device, batch_size=batch_size, seed=seed,
                                                  metric="inception_score"))
    return score, float(getattr(score, "std", 0.0) or 0.0)
