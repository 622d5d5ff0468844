"""Adversarial losses as pure functions of discriminator logits, selected by name, and the
discriminator regularisers (gradient penalty, R1, LeCam, consistency), the generator's mode-seeking
regulariser and auxiliary losses (InfoNCE).

Every adversarial loss takes logits of shape (N,) or (N, 1) (any float dtype) and returns a scalar tensor.
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
from torch_gan_zoo.losses.infomax import infonce_loss
from torch_gan_zoo.losses.mode_seeking import ModeSeekingRegularizer, mode_seeking_loss
from torch_gan_zoo.losses.regularizers import (
    REGULARIZERS,
    ConsistencyRegularizer,
    GradientPenalty,
    LeCamRegularizer,
    R1Penalty,
    build_regularizer,
    input_gradients,
)
from torch_gan_zoo.losses.contrastive import conditional_contrastive_loss, data_to_data_cross_entropy_loss
from torch_gan_zoo.losses.orthogonal import orthogonal_regularization

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
    "infonce_loss",
    "mode_seeking_loss",
    "ModeSeekingRegularizer",
    "REGULARIZERS",
    "GradientPenalty",
    "R1Penalty",
    "LeCamRegularizer",
    "ConsistencyRegularizer",
    "build_regularizer",
    "input_gradients",
    "conditional_contrastive_loss",
    "data_to_data_cross_entropy_loss",
    "orthogonal_regularization",
]
