"""Regularisers: values against their formulas on discriminators whose input gradients are known,
per-sample gradient penalty, AMP scaling, state handling (LeCam) and that each one changes the D update."""
import json

import pytest
import torch
import torch.nn as nn

from torch_gan_zoo import nets
from torch_gan_zoo.losses import (
    REGULARIZERS,
    ConsistencyRegularizer,
    GradientPenalty,
    LeCamRegularizer,
    R1Penalty,
    build_regularizer,
)
from torch_gan_zoo.modules import DiffAugment, build_augment
from torch_gan_zoo.nets import BaseModel
from torch_gan_zoo.training import MetricLog, Trainer
from torch_gan_zoo.training.recipe import attach_techniques, build_config, build_regularizers, run_config
from torch_gan_zoo.datasets import ShapesDataset
from torch_gan_zoo.utils import seed_everything

from helpers.training import adam_pair, state_equal


class LinearD(nn.Module):
    """D(x) = <w, x>: its input gradient is w for every sample."""

    def __init__(self, w):
        super().__init__()
        self.w = nn.Parameter(w.clone())

    def discriminate(self, images, labels=None):
        return (images.flatten(1) * self.w.flatten()).sum(1, keepdim=True)


class QuadraticD(nn.Module):
    """D(x) = scale * ||x||^2 / 2: its input gradient is scale * x, different for every sample."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(()))

    def discriminate(self, images, labels=None):
        return self.scale * images.flatten(1).pow(2).sum(1, keepdim=True) / 2


class FakeScaler:
    """A GradScaler stand-in with a fixed scale of 1024."""

    def scale(self, x):
        return x * 1024.0

    def get_scale(self):
        return 1024.0


def context(real, fake, output_real=None, output_fake=None, **extra):
    return dict(real_images=real, real_labels=None, fake_images=fake, fake_labels=None, output_real=output_real,
                output_fake=output_fake, global_step=0, scaler=None, amp_dtype=None, **extra)


W = torch.tensor([[[[3.0, 0.0], [0.0, 4.0]]]])  # (1, 1, 2, 2), ||w|| = 5


def test_gradient_penalty_matches_its_formula_on_a_linear_critic():
    real, fake = torch.randn(4, 1, 2, 2), torch.randn(4, 1, 2, 2)
    netD = LinearD(W)
    assert GradientPenalty(weight=10)(netD, **context(real, fake)).item() == pytest.approx(10 * (5 - 1) ** 2)
    assert GradientPenalty(weight=2, center=0)(netD, **context(real, fake)).item() == pytest.approx(2 * 25)


def test_gradient_penalty_is_per_sample_in_both_interpolation_and_norm():
    real, fake = torch.randn(6, 1, 3, 3), torch.randn(6, 1, 3, 3)
    torch.manual_seed(11)
    value = GradientPenalty(weight=1)(QuadraticD(), **context(real, fake))
    torch.manual_seed(11)
    eps = torch.rand(6, 1, 1, 1)
    x_hat = eps * real + (1 - eps) * fake  # grad of ||x||^2/2 is x itself
    expected = ((x_hat.flatten(1).norm(dim=1) - 1) ** 2).mean()
    assert value.item() == pytest.approx(expected.item(), rel=1e-5)
    batch_norm = ((x_hat.flatten().norm() - 1) ** 2).item()  # torchgan's single norm over the batch
    assert value.item() != pytest.approx(batch_norm, rel=1e-2)


def test_gradient_penalty_trains_D_only_and_never_reaches_the_fake_images():
    netD = QuadraticD()
    fake = torch.randn(4, 1, 2, 2, requires_grad=True)
    value = GradientPenalty()(netD, **context(torch.randn(4, 1, 2, 2), fake * 1.0))
    value.backward()
    assert fake.grad is None and netD.scale.grad is not None and netD.scale.grad != 0
    with pytest.raises(ValueError, match="one shape"):
        GradientPenalty()(netD, **context(torch.randn(4, 1, 2, 2), torch.randn(3, 1, 2, 2)))


def test_gradient_penalty_under_a_grad_scaler_equals_the_unscaled_value():
    real, fake = torch.randn(4, 1, 3, 3), torch.randn(4, 1, 3, 3)
    values = []
    for scaler in (None, FakeScaler(), torch.amp.GradScaler("cpu")):
        torch.manual_seed(3)
        values.append(GradientPenalty()(QuadraticD(), **{**context(real, fake), "scaler": scaler}).item())
    assert values[1] == pytest.approx(values[0], rel=1e-6) and values[2] == pytest.approx(values[0], rel=1e-6)
    r1 = [R1Penalty()(QuadraticD(), **{**context(real, fake), "scaler": s}).item() for s in (None, FakeScaler())]
    assert r1[1] == pytest.approx(r1[0], rel=1e-6)


def test_r1_matches_its_formula_and_lazy_steps():
    real = torch.randn(4, 1, 2, 2)
    assert R1Penalty(gamma=10)(LinearD(W), **context(real, None)).item() == pytest.approx(10 / 2 * 25)
    quadratic = R1Penalty(gamma=2)(QuadraticD(), **context(real, None)).item()
    assert quadratic == pytest.approx(real.flatten(1).pow(2).sum(1).mean().item(), rel=1e-6)
    lazy = R1Penalty(gamma=10, every=4)
    assert lazy(LinearD(W), **{**context(real, None), "global_step": 3}).item() == 0
    assert lazy(LinearD(W), **{**context(real, None), "global_step": 8}).item() == pytest.approx(4 * 10 / 2 * 25)
    with pytest.raises(ValueError, match="needs global_step"):
        lazy(LinearD(W), **{**context(real, None), "global_step": None})
    with pytest.raises(ValueError, match="every"):
        R1Penalty(every=0)
    with pytest.raises(ValueError, match="gamma"):
        R1Penalty(gamma=-1)


def test_lecam_anchors_and_value_follow_the_formula():
    reg = LeCamRegularizer(weight=0.5, decay=0.9, start=2)
    real, fake = torch.tensor([[1.0], [3.0]]), torch.tensor([[-1.0], [0.0]])
    value = reg(None, output_real=real, output_fake=fake, global_step=0)  # first update: anchors = means
    assert reg.ema_real.item() == pytest.approx(2.0) and reg.ema_fake.item() == pytest.approx(-0.5)
    real_term = ((real.flatten() + 0.5).clamp(min=0) ** 2).mean()
    fake_term = ((2.0 - fake.flatten()).clamp(min=0) ** 2).mean()
    expected = 0.5 * (real_term + fake_term)
    assert value.item() == pytest.approx(expected.item())
    reg(None, output_real=real + 2, output_fake=fake, global_step=1)  # before `start`: decay 0
    assert reg.ema_real.item() == pytest.approx(4.0)
    reg(None, output_real=real, output_fake=fake, global_step=5)  # EMA from now on
    assert reg.ema_real.item() == pytest.approx(0.9 * 4.0 + 0.1 * 2.0)
    assert int(reg.num_updates) == 3
    # clipping: outputs already on the right side of the anchors are not penalised (authors' code) ...
    clipped = LeCamRegularizer(weight=1.0, start=0)
    assert clipped(None, output_real=torch.tensor([[-5.0], [5.0]]), output_fake=torch.tensor([[5.0], [-5.0]])).item() \
        == pytest.approx((25 + 0) / 2 + (25 + 0) / 2)
    # ... but are with one_sided=False (the paper's equation)
    two_sided = LeCamRegularizer(weight=1.0, start=0, one_sided=False)
    penalty = two_sided(None, output_real=torch.tensor([[-5.0], [5.0]]), output_fake=torch.tensor([[5.0], [-5.0]]))
    assert penalty.item() == pytest.approx(50.0)
    with pytest.raises(ValueError, match="decay"):
        LeCamRegularizer(decay=1.0)


def test_lecam_refuses_to_run_unattached_where_its_state_would_not_be_checkpointed():
    netG, netD = tiny_sngan()
    netD.regularizers.append(LeCamRegularizer())  # bypasses add_regularizer
    _, optD = adam_pair(netG, netD)
    with pytest.raises(RuntimeError, match="add_regularizer"):
        netD.train_step((torch.rand(4, 3, 32, 32) * 2 - 1, None), netG, optD, MetricLog(), global_step=0)


def test_lecam_gradient_reaches_only_the_outputs_not_the_anchors():
    reg = LeCamRegularizer(weight=1.0, start=0)
    real = torch.tensor([[2.0], [4.0]], requires_grad=True)
    fake = torch.tensor([[1.0], [0.0]], requires_grad=True)
    reg(None, output_real=real, output_fake=fake).backward()
    # anchors: a_real = 3, a_fake = 0.5; d/dreal mean(relu(real - 0.5)^2) = (real - 0.5)
    assert torch.allclose(real.grad.flatten(), torch.tensor([1.5, 3.5]))
    assert torch.allclose(fake.grad.flatten(), torch.tensor([-2.0, -3.0]))
    assert not reg.ema_real.requires_grad


class ShiftBy:
    """A deterministic 'augmentation' adding a constant (has to_config, like DiffAugment)."""

    def __init__(self, value):
        self.value = value

    def __call__(self, images):
        return images + self.value

    def to_config(self):
        return {"name": "shift", "value": self.value}


def test_consistency_regularizer_matches_its_formula_real_and_balanced():
    netD = LinearD(W)
    real, fake = torch.randn(3, 1, 2, 2), torch.randn(3, 1, 2, 2)
    out_real, out_fake = netD.discriminate(real), netD.discriminate(fake)
    # D(x + 1) - D(x) = sum(w) = 7 for every sample
    cr = ConsistencyRegularizer(ShiftBy(1.0), weight=10)
    assert cr(netD, **context(real, fake, out_real, out_fake)).item() == pytest.approx(10 * 49)
    bcr = ConsistencyRegularizer(ShiftBy(1.0), weight=10, fake_weight=2)
    assert bcr(netD, **context(real, fake, out_real, out_fake)).item() == pytest.approx(12 * 49)
    with pytest.raises(ValueError, match="bCR"):
        bcr(netD, **context(real, None, out_real, None))
    with pytest.raises(TypeError, match="augmentation"):
        ConsistencyRegularizer(lambda x: x)
    with pytest.raises(ValueError, match="weights must be >= 0"):
        ConsistencyRegularizer(ShiftBy(1.0), fake_weight=-1)
    with pytest.raises(ValueError, match="weight must be >= 0"):
        GradientPenalty(weight=-10)


def test_build_regularizer_round_trips_every_config_and_reports_errors():
    regs = [GradientPenalty(5, center=0), R1Penalty(1.0, every=16), LeCamRegularizer(0.1, 0.95, 10, False),
            ConsistencyRegularizer(DiffAugment("flip,translation"), 5.0, 5.0)]
    for reg in regs:
        config = json.loads(json.dumps(reg.to_config()))
        rebuilt = build_regularizer(config, build_augment=build_augment)
        assert type(rebuilt) is type(reg) and rebuilt.to_config() == reg.to_config()
        assert REGULARIZERS[config["name"]] is type(reg) and repr(rebuilt)
    assert isinstance(build_regularizer("gp"), GradientPenalty)
    assert build_regularizer("cr", build_augment=build_augment).augment.policy == ("flip", "translation")
    with pytest.raises(ValueError, match="unknown regularizer 'nope'"):
        build_regularizer({"name": "nope"})
    with pytest.raises(TypeError, match="bad arguments for regularizer 'r1'"):
        build_regularizer({"name": "r1", "lambda": 3})
    with pytest.raises(ValueError, match="needs build_augment"):
        build_regularizer("consistency")


def tiny_sngan(seed=0):
    torch.manual_seed(seed)
    return nets.create_model("sngan", 32, ngf=16, ndf=16)


def d_step(regularizer=None, augment=None, seed=0):
    netG, netD = tiny_sngan()
    if regularizer is not None:
        netD.add_regularizer(regularizer)
    netD.augment = augment
    _, optD = adam_pair(netG, netD, lr=1e-2)
    batch = (torch.rand(4, 3, 32, 32, generator=torch.Generator().manual_seed(1)) * 2 - 1, None)
    torch.manual_seed(seed)
    log = netD.train_step(batch, netG, optD, MetricLog(), global_step=0)
    return {k: v.detach().clone() for k, v in netD.named_parameters()}, log.means()


@pytest.mark.parametrize("make", [
    lambda: GradientPenalty(10.0), lambda: R1Penalty(10.0), lambda: LeCamRegularizer(10.0, start=0),
    lambda: ConsistencyRegularizer(DiffAugment("flip,translation"), 10.0),
    lambda: ConsistencyRegularizer(DiffAugment("translation"), 0.0, fake_weight=10.0),
], ids=["gp", "r1", "lecam", "cr", "bcr"])
def test_each_regularizer_changes_the_discriminator_update(make):
    plain, _ = d_step()
    regularized, means = d_step(make())
    name = make().name
    assert name in means and means[name] > 0 and torch.isfinite(torch.tensor(means[name]))
    assert any(not torch.equal(plain[k], regularized[k]) for k in plain)


def test_diffaugment_changes_the_discriminator_update():
    plain, _ = d_step()
    augmented, _ = d_step(augment=DiffAugment())
    assert any(not torch.equal(plain[k], augmented[k]) for k in plain)


def test_attached_lecam_state_lives_in_netD_state_dict_and_checkpoints(tmp_path):
    netG, netD = tiny_sngan()
    lecam = netD.add_regularizer(LeCamRegularizer(0.3, start=0))
    with pytest.raises(ValueError, match="already has a regularizer named 'lecam'"):
        netD.add_regularizer(LeCamRegularizer())
    netD.add_regularizer(ConsistencyRegularizer(DiffAugment("flip"), 1.0))
    netD.augment = DiffAugment("translation")
    assert {"regularizer_lecam.ema_real", "regularizer_lecam.ema_fake", "regularizer_lecam.num_updates"} <= set(
        netD.state_dict())
    assert all(p is not None for p in netD.parameters())  # anchors are buffers, not parameters
    _, optD = adam_pair(netG, netD)
    netD.train_step((torch.rand(4, 3, 32, 32) * 2 - 1, None), netG, optD, MetricLog(), global_step=0)
    assert int(lecam.num_updates) == 1 and lecam.ema_real.item() != 0
    netD.to(torch.float64)
    assert lecam.ema_real.dtype == torch.float64  # follows the network
    netD.to(torch.float32)
    path = netD.save_checkpoint(str(tmp_path), 1)
    restored = BaseModel.from_checkpoint(path)
    assert [r.to_config() for r in restored.regularizers] == [r.to_config() for r in netD.regularizers]
    assert restored.augment.to_config() == netD.augment.to_config()
    assert restored.regularizer_lecam.ema_real.item() == pytest.approx(lecam.ema_real.item())
    fresh = nets.create_model("sngan", 32, ngf=16, ndf=16)[1]
    with pytest.raises(Exception, match="regularizer_lecam"):
        fresh.restore_checkpoint(path)  # a netD without LeCam does not silently drop its anchors


def test_from_checkpoint_does_not_duplicate_regularizers_a_variant_attaches_itself(tmp_path):
    torch.manual_seed(0)
    _, netD = nets.create_model("wgan_gp", 32, ngf=16, ndf=16)
    netD.add_regularizer(R1Penalty(1.0))
    restored = BaseModel.from_checkpoint(netD.save_checkpoint(str(tmp_path), 0))
    assert [r.name for r in restored.regularizers] == ["gradient_penalty", "r1"]


def test_unrebuildable_augment_is_reported_by_from_checkpoint(tmp_path):
    _, netD = tiny_sngan()
    netD.augment = lambda x: x  # no to_config: recorded as its repr
    with pytest.raises(Exception, match="cannot rebuild"):
        BaseModel.from_checkpoint(netD.save_checkpoint(str(tmp_path), 0))


def make_trainer(log_dir, num_steps):
    seed_everything(0)
    netG, netD = nets.create_model("sngan", 32, ngf=16, ndf=16)
    attach_techniques(netD, {"regularizers": [{"name": "lecam", "weight": 0.3, "start": 0}, "r1"],
                             "augment": "color,translation,cutout"})
    optG, optD = adam_pair(netG, netD)
    return Trainer(netD, netG, optD, optG, ShapesDataset(num_images=16), num_steps, log_dir=str(log_dir), n_dis=2,
                   batch_size=4, seed=0, save_steps=2, vis_steps=100, log_steps=1, progress=False)


def test_regularized_augmented_run_resumes_bit_identically(tmp_path):
    full = make_trainer(tmp_path / "full", 4)
    full.train()
    make_trainer(tmp_path / "split", 2).train()
    resumed = make_trainer(tmp_path / "split", 4)
    resumed.train()
    assert state_equal(full.netD.state_dict(), resumed.netD.state_dict())
    assert state_equal(full.netG.state_dict(), resumed.netG.state_dict())
    assert int(resumed.netD.regularizer_lecam.num_updates) == 8  # 4 steps x n_dis=2, across the resume
    saved = json.loads((tmp_path / "full" / "hparams.json").read_text())["netD"]
    assert [r["name"] for r in saved["regularizers"]] == ["lecam", "r1"]
    assert saved["augment"]["policy"] == "color,translation,cutout"


def test_recipe_builds_and_attaches_regularizers_and_augmentation(tmp_path):
    assert build_regularizers(None) == []
    assert [r.name for r in build_regularizers("r1, lecam")] == ["r1", "lecam"]
    assert [r.name for r in build_regularizers({"name": "gp"})] == ["gradient_penalty"]
    config = build_config("sngan", dataset="shapes", resolution=32, num_steps=1, batch_size=4, n_dis=1,
                          log_dir=str(tmp_path), seed=0, model_kwargs={"ngf": 16, "ndf": 16},
                          dataset_kwargs={"num_images": 8}, trainer_kwargs={"progress": False},
                          overrides=['regularizers=[{"name": "cr", "weight": 5}]', "augment=translation,cutout"])
    assert config["regularizers"] == [{"name": "cr", "weight": 5}] and config["augment"] == "translation,cutout"
    result = run_config(config)
    netD = result["trainer"].netD
    assert [r.to_config()["augment"]["policy"] for r in netD.regularizers] == ["flip,translation"]
    assert netD.augment.policy == ("translation", "cutout")
    assert "consistency" in result["metrics"]
    saved = json.loads((tmp_path / "hparams.json").read_text())["netD"]
    assert saved["regularizers"][0]["weight"] == 5.0 and saved["augment"]["policy"] == "translation,cutout"
