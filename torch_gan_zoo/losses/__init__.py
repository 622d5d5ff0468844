"""Adversarial losses as pure functions of discriminator logits, selected by name.

Every loss takes logits of shape (N,) or (N, 1) (any float dtype) and returns a scalar tensor.
"""
from torch_gan_zoo.losses.adversarial import (
    LOSS_TYPES,
    discriminator_loss,
    generator_loss,
    hinge_loss_d,
    hinge_loss_g,
    least_squares_loss_d,
    least_squares_loss_g,
    minimax_loss_d,
    minimax_loss_g,
    ns_loss_d,
    ns_loss_g,
    resolve_loss_type,
    wasserstein_loss_d,
    wasserstein_loss_g,
)

__all__ = [
    "LOSS_TYPES",
    "discriminator_loss",
    "generator_loss",
    "resolve_loss_type",
    "hinge_loss_d",
    "hinge_loss_g",
    "least_squares_loss_d",
    "least_squares_loss_g",
    "minimax_loss_d",
    "minimax_loss_g",
    "ns_loss_d",
    "ns_loss_g",
    "wasserstein_loss_d",
    "wasserstein_loss_g",
]
