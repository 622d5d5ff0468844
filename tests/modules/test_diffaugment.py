"""DiffAugment: each transformation does what the paper says, is differentiable, reproducible from the
global RNG, and composes with any discriminator through ``netD.augment``."""
import pytest
import torch

from torch_gan_zoo import nets
from torch_gan_zoo.modules import DiffAugment, build_augment
from torch_gan_zoo.modules.diffaugment import (
    random_brightness,
    random_contrast,
    random_cutout,
    random_flip,
    random_saturation,
    random_translation,
)
from torch_gan_zoo.training import MetricLog

from helpers.training import adam_pair


def images(n=6, size=16, seed=0):
    return torch.rand(n, 3, size, size, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def shifted(x, dy, dx):
    """Reference translation of one image (C, H, W): out[i, j] = x[i + dy, j + dx], zero outside."""
    out = torch.zeros_like(x)
    h, w = x.shape[1:]
    for i in range(h):
        for j in range(w):
            if 0 <= i + dy < h and 0 <= j + dx < w:
                out[:, i, j] = x[:, i + dy, j + dx]
    return out


def test_brightness_adds_one_bounded_offset_per_image():
    x = images()
    torch.manual_seed(0)
    delta = random_brightness(x) - x
    per_image = delta.flatten(1)
    assert torch.allclose(per_image, per_image[:, :1].expand_as(per_image), atol=1e-6)
    assert per_image.abs().max() <= 0.5 and per_image[:, 0].std() > 0


def test_saturation_keeps_each_pixels_channel_mean_and_scales_by_at_most_two():
    x = images()
    torch.manual_seed(1)
    y = random_saturation(x)
    assert torch.allclose(y.mean(1), x.mean(1), atol=1e-5)
    ratio = (y - y.mean(1, keepdim=True)) / (x - x.mean(1, keepdim=True))
    factors = ratio.flatten(1)
    assert torch.allclose(factors, factors[:, :1].expand_as(factors), atol=1e-3)
    assert (factors[:, 0] >= 0).all() and (factors[:, 0] < 2).all()


def test_contrast_keeps_each_images_mean_and_scales_in_half_to_three_halves():
    x = images()
    torch.manual_seed(2)
    y = random_contrast(x)
    assert torch.allclose(y.mean((1, 2, 3)), x.mean((1, 2, 3)), atol=1e-5)
    factors = ((y - y.mean((1, 2, 3), keepdim=True)) / (x - x.mean((1, 2, 3), keepdim=True))).flatten(1)
    assert torch.allclose(factors, factors[:, :1].expand_as(factors), atol=1e-3)
    assert (factors[:, 0] >= 0.5).all() and (factors[:, 0] < 1.5).all()


def test_translation_shifts_each_image_by_at_most_an_eighth_with_zero_fill():
    x = images(n=8, size=16)
    torch.manual_seed(3)
    y = random_translation(x, ratio=0.125)
    seen = set()
    for i in range(8):
        matches = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3) if torch.equal(y[i], shifted(x[i], dy, dx))]
        assert len(matches) == 1, "each output is one shift of its input, of at most 2 px at 16 px"
        seen.add(matches[0])
    assert len(seen) > 1  # shifts are drawn per image


def test_cutout_zeroes_one_square_of_half_the_size_and_nothing_else():
    x = torch.rand(8, 3, 16, 16) + 0.5  # no zeros of its own
    torch.manual_seed(4)
    y = random_cutout(x, ratio=0.5)
    for i in range(8):
        zero = (y[i] == 0).all(0)
        rows, cols = zero.any(1).nonzero().flatten(), zero.any(0).nonzero().flatten()
        assert 4 <= len(rows) <= 8 and 4 <= len(cols) <= 8  # an 8x8 square, clipped by at most half
        assert torch.equal(rows, torch.arange(rows[0], rows[-1] + 1))
        assert torch.equal(cols, torch.arange(cols[0], cols[-1] + 1))
        assert int(zero.sum()) == len(rows) * len(cols)  # a rectangle
        assert torch.equal(y[i][:, ~zero], x[i][:, ~zero])


def test_flip_mirrors_some_images_and_keeps_the_others():
    x = images(n=16)
    torch.manual_seed(5)
    y = random_flip(x)
    flipped = [torch.equal(y[i], x[i].flip(2)) for i in range(16)]
    kept = [torch.equal(y[i], x[i]) for i in range(16)]
    assert all(f or k for f, k in zip(flipped, kept)) and any(flipped) and any(kept)


def test_diffaugment_is_differentiable_shape_preserving_and_reproducible_from_the_global_rng():
    augment = DiffAugment("color,translation,cutout")
    x = images().requires_grad_(True)
    torch.manual_seed(7)
    y = augment(x)
    assert y.shape == x.shape and y.dtype == x.dtype
    y.square().sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    torch.manual_seed(7)
    assert torch.equal(augment(x.detach()), y.detach())
    torch.manual_seed(8)
    assert not torch.equal(augment(x.detach()), y.detach())
    bf16 = augment(x.detach().bfloat16())
    assert bf16.dtype == torch.bfloat16


def test_policies_compose_in_order_and_are_validated():
    x = images()
    torch.manual_seed(0)
    manual = random_cutout(random_translation(x))
    torch.manual_seed(0)
    assert torch.equal(DiffAugment("translation, cutout")(x), manual)
    with pytest.raises(ValueError, match="unknown DiffAugment policy"):
        DiffAugment("color,blur")
    with pytest.raises(ValueError, match="at least one policy"):
        DiffAugment("")
    with pytest.raises(ValueError, match="translation_ratio"):
        DiffAugment("translation", translation_ratio=1.5)
    with pytest.raises(ValueError, match="shape"):
        DiffAugment("color")(torch.zeros(3, 8, 8))


def test_ratios_change_the_transformations():
    x = torch.rand(4, 3, 16, 16) + 0.5
    torch.manual_seed(0)
    small = DiffAugment("cutout", cutout_ratio=0.25)(x)
    assert (small == 0).all(1).sum(dim=(1, 2)).max() <= 16  # at most a 4x4 square
    torch.manual_seed(0)
    none = DiffAugment("translation", translation_ratio=0.0)(x)
    assert torch.equal(none, x)


def test_config_round_trip_and_build_augment():
    augment = DiffAugment("color,cutout", cutout_ratio=0.25)
    config = augment.to_config()
    assert config == {"name": "diffaugment", "policy": "color,cutout", "translation_ratio": 0.125, "cutout_ratio": 0.25}
    assert build_augment(config).to_config() == config
    assert build_augment("translation").to_config()["policy"] == "translation"
    assert build_augment(None) is None and build_augment("none") is None and build_augment("") is None
    assert build_augment(augment) is augment
    assert "cutout" in repr(augment)
    with pytest.raises(ValueError, match="unknown augmentation"):
        build_augment({"name": "ada"})
    with pytest.raises(TypeError, match="cannot build"):
        build_augment(3)


def test_netD_augment_changes_what_the_discriminator_sees_and_lets_gradients_reach_G():
    torch.manual_seed(0)
    netG, netD = nets.create_model("sngan", 32, ngf=16, ndf=16)
    netD.eval()
    x = torch.rand(4, 3, 32, 32) * 2 - 1
    plain = netD.discriminate(x)
    netD.augment = DiffAugment()
    torch.manual_seed(1)
    augmented = netD.discriminate(x)
    assert not torch.allclose(plain, augmented)
    assert netD.hparams()["augment"]["policy"] == "color,translation,cutout"
    netD.train()
    optG, optD = adam_pair(netG, netD)
    g0 = [p.clone() for p in netG.parameters()]
    log = netG.train_step((x, None), netD, optG, MetricLog())
    assert torch.isfinite(torch.tensor(log.means()["errG"]))
    assert any(not torch.equal(a, b) for a, b in zip(g0, netG.parameters()))
