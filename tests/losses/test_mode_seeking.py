"""The mode-seeking loss of MSGAN (value on hand-made tensors, shape errors, float32 under low precision) and
its regulariser object (config round trip, bad weights, refused by discriminators)."""
import json

import pytest
import torch

from torch_gan_zoo import nets
from torch_gan_zoo.losses import REGULARIZERS, ModeSeekingRegularizer, build_regularizer, mode_seeking_loss


def test_value_on_hand_made_pairs():
    # pair 0: images differ by 1 everywhere, noise by 2 -> ratio 0.5; pair 1: images by 3, noise by 1 -> 3
    a = torch.zeros(2, 1, 2, 2)
    b = torch.stack([torch.ones(1, 2, 2), torch.full((1, 2, 2), 3.0)])
    z_a = torch.zeros(2, 4)
    z_b = torch.tensor([[2.0, -2.0, 2.0, -2.0], [1.0, 1.0, -1.0, 1.0]])
    expected = 1.0 / ((0.5 + 3.0) / 2 + 1e-5)
    value = mode_seeking_loss(a, b, z_a, z_b)
    assert value.dim() == 0 and value.dtype == torch.float32
    assert value.item() == pytest.approx(expected, rel=1e-6)
    # the per-image mean is over pixels: an image differing in one pixel of four counts 1/4
    b_one = torch.zeros(1, 1, 2, 2)
    b_one[0, 0, 0, 0] = 4.0
    assert mode_seeking_loss(a[:1], b_one, z_a[:1], z_a[:1] + 1).item() == pytest.approx(1 / (1 + 1e-5), rel=1e-6)
    # identical images: 1 / eps
    assert mode_seeking_loss(a, a, z_a, z_b, eps=1e-3).item() == pytest.approx(1e3)


def test_symmetric_and_smaller_for_more_diverse_pairs():
    rng = torch.Generator().manual_seed(0)
    a, b = torch.randn(4, 3, 8, 8, generator=rng), torch.randn(4, 3, 8, 8, generator=rng)
    z_a, z_b = torch.randn(4, 16, generator=rng), torch.randn(4, 16, generator=rng)
    assert torch.equal(mode_seeking_loss(a, b, z_a, z_b), mode_seeking_loss(b, a, z_b, z_a))
    assert mode_seeking_loss(a, 2 * b, z_a, z_b) < mode_seeking_loss(a, a + 0.1 * (b - a), z_a, z_b)


def test_gradient_reaches_the_images():
    a = torch.randn(3, 1, 4, 4, requires_grad=True)
    b = torch.randn(3, 1, 4, 4)
    mode_seeking_loss(a, b, torch.zeros(3, 2), torch.ones(3, 2)).backward()
    assert a.grad is not None and a.grad.abs().sum() > 0


def test_low_precision_inputs_give_a_float32_value():
    a, b = torch.randn(2, 1, 4, 4).bfloat16(), torch.randn(2, 1, 4, 4).bfloat16()
    z_a, z_b = torch.randn(2, 8), torch.randn(2, 8)
    value = mode_seeking_loss(a, b, z_a, z_b)
    assert value.dtype == torch.float32
    assert value.item() == pytest.approx(mode_seeking_loss(a.float(), b.float(), z_a, z_b).item())


@pytest.mark.parametrize("shapes, match", [
    (((2, 1, 4, 4), (2, 1, 4, 5), (2, 8), (2, 8)), "images_a .* and images_b"),
    (((2, 1, 4, 4), (2, 1, 4, 4), (2, 8), (2, 7)), "z_a .* and z_b"),
    (((2, 1, 4, 4), (2, 1, 4, 4), (3, 8), (3, 8)), "same number of pairs"),
    (((0, 1, 4, 4), (0, 1, 4, 4), (0, 8), (0, 8)), "at least one pair"),
])
def test_mismatched_shapes_are_named(shapes, match):
    tensors = [torch.zeros(s) for s in shapes]
    with pytest.raises(ValueError, match=match):
        mode_seeking_loss(*tensors)


def test_regularizer_is_weighted_and_round_trips_its_config():
    a, b = torch.zeros(2, 1, 2, 2), torch.ones(2, 1, 2, 2)
    z_a, z_b = torch.zeros(2, 3), torch.ones(2, 3)
    reg = ModeSeekingRegularizer(weight=2.5)
    assert reg(a, b, z_a, z_b).item() == pytest.approx(2.5 * mode_seeking_loss(a, b, z_a, z_b).item())
    assert reg.name == "mode_seeking" and reg.applies_to == "generator"
    for original in (reg, ModeSeekingRegularizer(0.5, eps=1e-3)):
        config = json.loads(json.dumps(original.to_config()))
        rebuilt = build_regularizer(config)
        assert type(rebuilt) is ModeSeekingRegularizer and rebuilt.to_config() == original.to_config()
    assert reg.to_config() == {"name": "mode_seeking", "weight": 2.5}
    assert REGULARIZERS["mode_seeking"] is ModeSeekingRegularizer
    assert build_regularizer("mode_seeking").weight == 1.0 and repr(reg)


@pytest.mark.parametrize("kwargs", [{"weight": -1}, {"weight": "1"}, {"weight": True}, {"weight": float("nan")},
                                    {"eps": 0}, {"eps": -1e-5}])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError, match="mode_seeking"):
        ModeSeekingRegularizer(**kwargs)


def test_discriminators_refuse_it_and_generators_refuse_discriminator_regularizers():
    torch.manual_seed(0)
    netG, netD = nets.create_model("dcgan", 32, ngf=8, ndf=8)
    with pytest.raises(ValueError, match="generator regularizer.*netG.add_regularizer"):
        netD.add_regularizer(ModeSeekingRegularizer())
    with pytest.raises(ValueError, match="discriminator regularizer.*netD.add_regularizer"):
        netG.add_regularizer(build_regularizer("r1"))
    netG.add_regularizer(ModeSeekingRegularizer())
    with pytest.raises(ValueError, match="already has a regularizer named 'mode_seeking'"):
        netG.add_regularizer(ModeSeekingRegularizer(2.0))
