"""``torch_mimicry.modules.losses``: adversarial losses of logits, as Mimicry names them.

Each is this library's loss (:mod:`torch_gan_zoo.losses`) under Mimicry's name and argument order.
Mimicry's ``minimax_loss_gen`` is the non-saturating loss (BCE of D(G(z)) against the real label);
with non-default label values the BCE is taken against those labels.
"""
import torch
import torch.nn.functional as F

from torch_gan_zoo.losses import adversarial

__all__ = ["minimax_loss_gen", "minimax_loss_dis", "ns_loss_gen", "wasserstein_loss_dis", "wasserstein_loss_gen",
           "hinge_loss_dis", "hinge_loss_gen"]


def _bce(output, value, **kwargs):
    return F.binary_cross_entropy_with_logits(output, torch.full_like(output, value), **kwargs)


def minimax_loss_gen(output_fake, real_label_val=1.0, **kwargs):
    """BCE of the logits (N, 1) on fakes against ``real_label_val`` (scalar)."""
    if real_label_val == 1.0 and not kwargs:
        return adversarial.ns_loss_g(output_fake)
    return _bce(output_fake, real_label_val, **kwargs)


def minimax_loss_dis(output_fake, output_real, real_label_val=1.0, fake_label_val=0.0, **kwargs):
    """BCE of the logits on reals against ``real_label_val`` plus on fakes against ``fake_label_val``."""
    if real_label_val == 1.0 and fake_label_val == 0.0 and not kwargs:
        return adversarial.minimax_loss_d(output_real, output_fake)
    return _bce(output_real, real_label_val, **kwargs) + _bce(output_fake, fake_label_val, **kwargs)


def ns_loss_gen(output_fake):
    """Non-saturating generator loss ``-mean(log sigmoid(D(G(z))))`` (computed stably)."""
    return adversarial.ns_loss_g(output_fake)


def wasserstein_loss_dis(output_real, output_fake):
    """``mean(D(G(z))) - mean(D(x))``."""
    return adversarial.wasserstein_loss_d(output_real, output_fake)


def wasserstein_loss_gen(output_fake):
    """``-mean(D(G(z)))``."""
    return adversarial.wasserstein_loss_g(output_fake)


def hinge_loss_dis(output_fake, output_real):
    """``mean(relu(1 - D(x))) + mean(relu(1 + D(G(z))))``."""
    return adversarial.hinge_loss_d(output_real, output_fake)


def hinge_loss_gen(output_fake):
    """``-mean(D(G(z)))``."""
    return adversarial.hinge_loss_g(output_fake)
