import math

import pytest
import torch

from torch_gan_zoo import losses


REAL = torch.tensor([[2.0], [-1.0], [0.5]])
FAKE = torch.tensor([[-3.0], [0.0], [1.5]])


def _sig(x):
    return 1 / (1 + math.exp(-x))


def test_minimax_and_ns_d_are_binary_cross_entropy():
    expected = -sum(math.log(_sig(r)) for r in REAL.flatten().tolist()) / 3 - sum(
        math.log(1 - _sig(f)) for f in FAKE.flatten().tolist()) / 3
    assert losses.minimax_loss_d(REAL, FAKE).item() == pytest.approx(expected, rel=1e-6)
    assert losses.ns_loss_d(REAL, FAKE).item() == pytest.approx(expected, rel=1e-6)


def test_generator_losses_match_formulas():
    f = FAKE.flatten().tolist()
    assert losses.minimax_loss_g(FAKE).item() == pytest.approx(sum(math.log(1 - _sig(x)) for x in f) / 3, rel=1e-6)
    assert losses.ns_loss_g(FAKE).item() == pytest.approx(-sum(math.log(_sig(x)) for x in f) / 3, rel=1e-6)
    assert losses.hinge_loss_g(FAKE).item() == pytest.approx(-sum(f) / 3)
    assert losses.wasserstein_loss_g(FAKE).item() == pytest.approx(-sum(f) / 3)
    assert losses.least_squares_loss_g(FAKE).item() == pytest.approx(0.5 * sum((x - 1) ** 2 for x in f) / 3)


def test_discriminator_losses_match_formulas():
    r, f = REAL.flatten().tolist(), FAKE.flatten().tolist()
    hinge = sum(max(0, 1 - x) for x in r) / 3 + sum(max(0, 1 + x) for x in f) / 3
    assert losses.hinge_loss_d(REAL, FAKE).item() == pytest.approx(hinge)
    assert losses.wasserstein_loss_d(REAL, FAKE).item() == pytest.approx(sum(f) / 3 - sum(r) / 3)
    ls = 0.5 * sum((x - 1) ** 2 for x in r) / 3 + 0.5 * sum(x**2 for x in f) / 3
    assert losses.least_squares_loss_d(REAL, FAKE).item() == pytest.approx(ls)


@pytest.mark.parametrize("alias,canonical", [("gan", "minimax"), ("wgan", "wasserstein"), ("lsgan", "ls"),
                                             ("HINGE", "hinge"), ("non_saturating", "ns")])
def test_aliases_resolve(alias, canonical):
    assert losses.resolve_loss_type(alias) == canonical
    assert losses.generator_loss(alias, FAKE).item() == losses.generator_loss(canonical, FAKE).item()
    expected = losses.discriminator_loss(canonical, REAL, FAKE).item()
    assert losses.discriminator_loss(alias, REAL, FAKE).item() == expected


def test_unknown_loss_lists_valid_ones():
    with pytest.raises(ValueError) as err:
        losses.resolve_loss_type("bce")
    for name in losses.LOSS_TYPES:
        assert name in str(err.value)
    with pytest.raises(ValueError):
        losses.resolve_loss_type(None)


def test_half_precision_logits_are_reduced_in_float32():
    big = torch.full((4096, 1), 3.0, dtype=torch.bfloat16)
    out = losses.hinge_loss_g(big)
    assert out.dtype == torch.float32
    assert out.item() == pytest.approx(-3.0)


def test_losses_have_gradients():
    real = REAL.clone().requires_grad_()
    fake = FAKE.clone().requires_grad_()
    for name in losses.LOSS_TYPES:
        losses.discriminator_loss(name, real, fake).backward()
        losses.generator_loss(name, fake).backward()
    assert real.grad is not None and fake.grad is not None
