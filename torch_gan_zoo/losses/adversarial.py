"""The adversarial losses of the GAN literature, for the discriminator (``*_d``) and generator (``*_g``).

Notation: ``real`` and ``fake`` are the discriminator's raw logits on real and generated images,
shape (N,) or (N, 1), any float dtype; ``sigma`` is the logistic sigmoid. All losses are means over
the batch and are computed in float32 at least, so they stay accurate under mixed precision.

================  ========================================================  ==================================
``loss_type``     discriminator loss                                        generator loss
================  ========================================================  ==================================
``minimax``       ``-mean(log sigma(real)) - mean(log(1 - sigma(fake)))``   ``mean(log(1 - sigma(fake)))``
``ns``            same as minimax                                           ``-mean(log sigma(fake))``
``hinge``         ``mean(relu(1 - real)) + mean(relu(1 + fake))``           ``-mean(fake)``
``wasserstein``   ``mean(fake) - mean(real)``                               ``-mean(fake)``
``ls``            ``0.5 mean((real - 1)^2) + 0.5 mean(fake^2)``             ``0.5 mean((fake - 1)^2)``
================  ========================================================  ==================================

Aliases: ``gan`` -> ``minimax`` (Mimicry's name), ``wgan`` -> ``wasserstein``, ``lsgan`` and
``least_squares`` -> ``ls``, ``non_saturating`` -> ``ns``.
"""

from __future__ import annotations
import torch
import torch.nn.functional as F

__all__ = [
    "LOSS_TYPES",
    "resolve_loss_type",
    "discriminator_loss",
    "generator_loss",
    "minimax_loss_d",
    "minimax_loss_g",
    "ns_loss_d",
    "ns_loss_g",
    "hinge_loss_d",
    "hinge_loss_g",
    "wasserstein_loss_d",
    "wasserstein_loss_g",
    "least_squares_loss_d",
    "least_squares_loss_g",
]


def _logits(x):
    x = x.reshape(-1)
    return x.float() if x.dtype in (torch.float16, torch.bfloat16) else x


def minimax_loss_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of the original GAN: real labelled 1, fake labelled 0."""
    real, fake = _logits(real), _logits(fake)
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def minimax_loss_g(fake: torch.Tensor) -> torch.Tensor:
    """The original (saturating) generator loss ``mean(log(1 - sigma(fake)))``, minimised by G."""
    return -F.softplus(_logits(fake)).mean()


#: The non-saturating GAN trains D exactly like the minimax GAN.
ns_loss_d = minimax_loss_d


def ns_loss_g(fake: torch.Tensor) -> torch.Tensor:
    """The non-saturating generator loss ``-mean(log sigma(fake))`` (fake labelled 1)."""
    return F.softplus(-_logits(fake)).mean()


def hinge_loss_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Hinge loss of the discriminator: ``mean(relu(1 - real)) + mean(relu(1 + fake))``."""
    real, fake = _logits(real), _logits(fake)
    return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()


def hinge_loss_g(fake: torch.Tensor) -> torch.Tensor:
    """Hinge loss of the generator: ``-mean(fake)``."""
    return -_logits(fake).mean()


def wasserstein_loss_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Critic loss of WGAN: ``mean(fake) - mean(real)`` (pair it with a Lipschitz constraint)."""
    return _logits(fake).mean() - _logits(real).mean()


def wasserstein_loss_g(fake: torch.Tensor) -> torch.Tensor:
    """Generator loss of WGAN: ``-mean(fake)``."""
    return -_logits(fake).mean()


def least_squares_loss_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """LSGAN discriminator loss with targets real=1, fake=0: ``0.5 mean((real-1)^2) + 0.5 mean(fake^2)``."""
    real, fake = _logits(real), _logits(fake)
    return 0.5 * ((real - 1.0) ** 2).mean() + 0.5 * (fake**2).mean()


def least_squares_loss_g(fake: torch.Tensor) -> torch.Tensor:
    """LSGAN generator loss with target 1: ``0.5 mean((fake-1)^2)``."""
    return 0.5 * ((_logits(fake) - 1.0) ** 2).mean()


_LOSSES = {
    "minimax": (minimax_loss_d, minimax_loss_g),
    "ns": (ns_loss_d, ns_loss_g),
    "hinge": (hinge_loss_d, hinge_loss_g),
    "wasserstein": (wasserstein_loss_d, wasserstein_loss_g),
    "ls": (least_squares_loss_d, least_squares_loss_g),
}
_ALIASES = {
    "gan": "minimax",
    "non_saturating": "ns",
    "wgan": "wasserstein",
    "lsgan": "ls",
    "least_squares": "ls",
}

#: The canonical loss names accepted by ``loss_type`` (aliases are accepted too).
LOSS_TYPES = tuple(_LOSSES)


def resolve_loss_type(loss_type: str) -> str:
    """Return the canonical name of ``loss_type`` (resolving aliases).

    Raises:
        ValueError: ``loss_type`` is unknown; the message lists the valid names.
    """
    if isinstance(loss_type, str):
        name = _ALIASES.get(loss_type.lower(), loss_type.lower())
        if name in _LOSSES:
            return name
    valid = ", ".join(LOSS_TYPES) + " (aliases: " + ", ".join(f"{a}->{c}" for a, c in _ALIASES.items()) + ")"
    raise ValueError(f"unknown loss_type {loss_type!r}; valid loss types are: {valid}")


def discriminator_loss(loss_type: str, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """The discriminator loss named ``loss_type`` on logits ``real`` and ``fake`` (each (N,) or (N, 1))."""
    return _LOSSES[resolve_loss_type(loss_type)][0](real, fake)


def generator_loss(loss_type: str, fake: torch.Tensor) -> torch.Tensor:
    """The generator loss named ``loss_type`` on the logits ``fake`` (N,) or (N, 1) of generated images."""
    return _LOSSES[resolve_loss_type(loss_type)][1](fake)
