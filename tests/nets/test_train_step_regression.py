"""The one train-step skeleton and its loss hooks, against explicit reference computations.

Each reference below writes a variant's step out by hand (forward passes in the same order, the
loss as a formula, ``backward``, one SGD step) on a deep copy of the same networks; the library's
``train_step`` must give the same parameters and log the same values. Non-default loss weights make
a dropped or mis-weighted term visible.
"""
import copy

import pytest
import torch
import torch.nn.functional as F

from torch_gan_zoo import nets
from torch_gan_zoo.losses import infonce_loss
from torch_gan_zoo.nets import LossTerm
from torch_gan_zoo.nets.gan import total_loss
from torch_gan_zoo.training import MetricLog

N = 8
CONDITIONAL = ("acgan", "biggan")
SIZES = {
    "sngan": {"ngf": 16, "ndf": 16},
    "acgan": {"ngf": 16, "ndf": 16, "num_classes": 5, "cond_lambda": 0.5},
    "infomax_gan": {"ngf": 16, "ndf": 16, "nrkhs": 8, "infomax_weight": 0.3},
    "ssgan": {"ngf": 16, "ndf": 16, "d_kwargs": {"rotation_weight": 0.5}, "g_kwargs": {"rotation_weight": 0.3}},
    "biggan": {"ngf": 32, "ndf": 16, "shared_dim": 8, "num_classes": 5, "ortho_reg_weight": 1e-2},
}


def twins(name):
    """``(netG, netD)`` and an identical deep copy of both."""
    torch.manual_seed(0)
    pair = nets.create_model(name, 32, **SIZES[name])
    return pair, copy.deepcopy(pair)


def data_batch():
    rng = torch.Generator().manual_seed(1)
    return torch.rand(N, 3, 32, 32, generator=rng) * 2 - 1, torch.randint(0, 5, (N,), generator=rng)


def hinge_d(out_real, out_fake):
    return F.relu(1 - out_real).mean() + F.relu(1 + out_fake).mean()


def rotation_ce(netD, images):
    """SSGAN's rotation cross-entropy: quarter k of the batch rotated by k * 90 degrees."""
    q = images.shape[0] // 4
    rotated = torch.cat([torch.rot90(images[k * q:(k + 1) * q], k, dims=(2, 3)) for k in range(4)])
    _, rotation_logits = netD(rotated, rotation=True)
    return F.cross_entropy(rotation_logits, torch.arange(4).repeat_interleave(q))


def reference_discriminator_step(name, netG, netD, opt, images, labels):
    """One discriminator step of ``name`` written out; returns the values the step should log."""
    with torch.no_grad():
        fake, fake_labels = netG.generate_batch(N)
    opt.zero_grad()
    logs = {}
    if name == "acgan":  # adversarial + cond_lambda * CE on real and fake classes, logged unweighted
        out_real, cls_real = netD(images, labels, return_aux=True)
        out_fake, cls_fake = netD(fake, fake_labels, return_aux=True)
        logs["errD"] = hinge_d(out_real, out_fake)
        logs["errD_cond"] = F.cross_entropy(cls_real, labels) + F.cross_entropy(cls_fake, fake_labels)
        loss = logs["errD"] + 0.5 * logs["errD_cond"]
    elif name == "infomax_gan":  # adversarial + weighted InfoNCE of the real batch's features
        out_real, local_features, global_features = netD(images, features=True)
        out_fake = netD(fake)
        logs["errD"] = hinge_d(out_real, out_fake)
        logs["errD_IM"] = 0.3 * infonce_loss(local_features, global_features)
        loss = logs["errD"] + logs["errD_IM"]
    elif name == "ssgan":  # adversarial + weighted rotation CE on real images
        out_real, out_fake = netD(images), netD(fake)
        logs["errD"] = hinge_d(out_real, out_fake)
        logs["errD_SS"] = 0.5 * rotation_ce(netD, images)
        loss = logs["errD"] + logs["errD_SS"]
    else:
        out_real, out_fake = netD(images), netD(fake)
        loss = logs["errD"] = hinge_d(out_real, out_fake)
    loss.backward()
    opt.step()
    logs["D(x)"], logs["D(G(z))"] = torch.sigmoid(out_real).mean(), torch.sigmoid(out_fake).mean()
    return logs


def reference_generator_step(name, netG, netD, opt):
    """One generator step of ``name`` written out; returns the values the step should log."""
    opt.zero_grad()
    fake, fake_labels = netG.generate_batch(N)
    logs = {}
    if name == "acgan":  # adversarial + cond_lambda * CE of the sampled classes, logged unweighted
        out, class_logits = netD(fake, fake_labels, return_aux=True)
        logs["errG"] = -out.mean()
        logs["errG_cond"] = F.cross_entropy(class_logits, fake_labels)
        loss = logs["errG"] + 0.5 * logs["errG_cond"]
    elif name == "infomax_gan":
        out, local_features, global_features = netD(fake, features=True)
        logs["errG"] = -out.mean()
        logs["errG_IM"] = 0.3 * infonce_loss(local_features, global_features)
        loss = logs["errG"] + logs["errG_IM"]
    elif name == "ssgan":
        logs["errG"] = -netD(fake).mean()
        logs["errG_SS"] = 0.3 * rotation_ce(netD, fake)  # the generator's own beta
        loss = logs["errG"] + logs["errG_SS"]
    elif name == "biggan":  # adversarial + beta * sum_W ||W W^T (1 - I)||_F^2 over G's matrices
        logs["errG"] = -netD(fake, fake_labels).mean()
        penalty = 0.0
        for pname, weight in netG.named_parameters():
            if weight.dim() >= 2 and not pname.startswith("shared."):
                rows = weight.reshape(weight.shape[0], -1)
                penalty = penalty + ((rows @ rows.t()) * (1 - torch.eye(rows.shape[0]))).pow(2).sum()
        logs["ortho"] = 1e-2 * penalty
        loss = logs["errG"] + logs["ortho"]
    else:
        loss = logs["errG"] = -netD(fake).mean()
    loss.backward()
    opt.step()
    return logs


def assert_same_params(a, b):
    for (name, p), q in zip(a.named_parameters(), b.parameters()):
        assert torch.allclose(p, q, rtol=1e-5, atol=1e-6), name


def assert_logged(log, expected, groups):
    assert log.names() == list(expected)
    for name, value in expected.items():
        assert log[name] == pytest.approx(float(value.detach()), rel=1e-5, abs=1e-7), name
        assert log.get_group_name(name) == groups.get(name, "prob" if name.startswith("D(") else "loss"), name


@pytest.mark.parametrize("name", ["sngan", "acgan", "infomax_gan", "ssgan"])
def test_discriminator_step_matches_its_reference_computation(name):
    (netG, netD), (refG, refD) = twins(name)
    images, labels = data_batch()
    start = [p.detach().clone() for p in netD.parameters()]
    torch.manual_seed(5)
    log = netD.train_step((images, labels), netG, torch.optim.SGD(netD.parameters(), 0.1), MetricLog())
    torch.manual_seed(5)
    expected = reference_discriminator_step(name, refG, refD, torch.optim.SGD(refD.parameters(), 0.1), images, labels)
    assert any(not torch.equal(p, s) for p, s in zip(netD.parameters(), start))
    assert_same_params(netD, refD)
    assert_logged(log, expected, {"errD_SS": "regularizer"})


@pytest.mark.parametrize("name", ["sngan", "acgan", "infomax_gan", "ssgan", "biggan"])
def test_generator_step_matches_its_reference_computation(name):
    (netG, netD), (refG, refD) = twins(name)
    d_start = copy.deepcopy(netD.state_dict())
    torch.manual_seed(6)
    log = netG.train_step(data_batch(), netD, torch.optim.SGD(netG.parameters(), 0.1), MetricLog())
    assert all(p.grad is None and p.requires_grad for p in netD.parameters())  # frozen during the step only
    assert all(torch.equal(p, d_start[k]) for k, p in netD.named_parameters())
    torch.manual_seed(6)
    expected = reference_generator_step(name, refG, refD, torch.optim.SGD(refG.parameters(), 0.1))
    assert_same_params(netG, refG)
    assert_logged(log, expected, {"ortho": "regularizer"})


class ExtraTermDiscriminator(nets.sngan.SNGANDiscriminator):
    """An SNGAN discriminator with an extra weighted term on its real logits, added through the hook."""

    def compute_discriminator_losses(self, real_images, real_labels, fake_images, fake_labels, amp_dtype=None):
        losses = super().compute_discriminator_losses(real_images, real_labels, fake_images, fake_labels)
        losses["drift"] = LossTerm(losses.output_real.float().pow(2).mean(), weight=0.25, group="penalty")
        return losses


class WeightDecayGenerator(nets.sngan.SNGANGenerator):
    """An SNGAN generator with an L2 weight regulariser through ``compute_weight_regularizers``."""

    def compute_weight_regularizers(self):
        return {"l2": 0.5 * sum(p.pow(2).sum() for p in self.parameters())}


def test_hook_terms_are_summed_with_their_weights_and_logged_unweighted_in_their_groups():
    torch.manual_seed(0)
    netG = WeightDecayGenerator(nz=16, ngf=16, resolution=32)  # unregistered subclasses, sized by resolution=
    netD = ExtraTermDiscriminator(ndf=16, resolution=32)
    refG, refD = copy.deepcopy(netG), copy.deepcopy(netD)
    images, _ = data_batch()
    torch.manual_seed(3)
    log = netD.train_step(images, netG, torch.optim.SGD(netD.parameters(), 0.1), MetricLog())
    netG.train_step(images, netD, torch.optim.SGD(netG.parameters(), 0.1), log)

    torch.manual_seed(3)
    opt = torch.optim.SGD(refD.parameters(), 0.1)
    with torch.no_grad():
        fake = refG(refG.sample_latent(N))
    out_real, out_fake = refD(images), refD(fake)
    drift = out_real.pow(2).mean()
    (hinge_d(out_real, out_fake) + 0.25 * drift).backward()
    opt.step()
    opt = torch.optim.SGD(refG.parameters(), 0.1)
    l2 = 0.5 * sum(p.pow(2).sum() for p in refG.parameters())
    (-refD(refG(refG.sample_latent(N))).mean() + l2).backward()
    opt.step()

    assert_same_params(netD, refD)
    assert_same_params(netG, refG)
    assert log.names() == ["errD", "drift", "D(x)", "D(G(z))", "errG", "l2"]
    assert log["drift"] == pytest.approx(drift.item(), rel=1e-5) and log.get_group_name("drift") == "penalty"
    assert log["l2"] == pytest.approx(l2.item(), rel=1e-5) and log.get_group_name("l2") == "regularizer"


def test_a_regularizer_named_like_a_loss_term_is_rejected():
    torch.manual_seed(0)
    netG, netD = nets.create_model("sngan", 32, ngf=16, ndf=16)

    class Clash:
        name = "errD"

        def __call__(self, netD, **context):
            return context["output_real"].float().mean()

        def to_config(self):
            return {"name": self.name}

    netD.add_regularizer(Clash())
    with pytest.raises(ValueError, match=r"\['errD'\] clash with loss terms"):
        netD.train_step(data_batch(), netG, torch.optim.SGD(netD.parameters(), 0.1), MetricLog())
    with pytest.raises(ValueError, match="at least one loss term"):
        total_loss({})
    one, two = torch.tensor(2.0), torch.tensor(3.0)
    assert total_loss({"a": LossTerm(one), "b": LossTerm(two, weight=0.5, group="x")}).item() == 3.5


@pytest.mark.parametrize("amp_dtype", [None, torch.bfloat16])
def test_hooks_run_the_forward_passes_under_the_steps_autocast_and_the_losses_in_float32(amp_dtype):
    (netG, netD), _ = twins("acgan")
    seen = {}
    original_aux = netD.compute_aux_loss

    def spy(aux, labels):
        seen.setdefault("aux_dtype", aux.dtype)
        seen.setdefault("autocast_in_loss", torch.is_autocast_enabled("cpu"))
        return original_aux(aux, labels)

    netD.compute_aux_loss = spy
    log = netD.train_step(data_batch(), netG, torch.optim.SGD(netD.parameters(), 0.1), MetricLog(), amp_dtype=amp_dtype)
    assert seen["aux_dtype"] == (amp_dtype or torch.float32)  # the head ran under autocast
    assert not seen["autocast_in_loss"]
    assert all(value.dtype == torch.float32 for name in log.names() for value in log.values(name))


class LegacyTupleDiscriminator(nets.sngan.SNGANDiscriminator):
    """A hook written for earlier releases: it returns ``(output_real, output_fake, terms)``."""

    def compute_discriminator_losses(self, real_images, real_labels, fake_images, fake_labels, amp_dtype=None):
        output_real, output_fake = self.discriminate(real_images), self.discriminate(fake_images)
        return output_real, output_fake, {"errD": LossTerm(hinge_d(output_real, output_fake))}


def test_a_legacy_tuple_from_the_discriminator_hook_still_trains_with_a_deprecation_warning():
    torch.manual_seed(0)
    netG, netD = nets.sngan.SNGANGenerator(ngf=16, resolution=32), LegacyTupleDiscriminator(ndf=16, resolution=32)
    start = [p.detach().clone() for p in netD.parameters()]
    with pytest.warns(DeprecationWarning, match="return StepLosses"):
        log = netD.train_step(data_batch(), netG, torch.optim.SGD(netD.parameters(), 0.1), MetricLog())
    assert any(not torch.equal(p, s) for p, s in zip(netD.parameters(), start))
    assert log.names() == ["errD", "D(x)", "D(G(z))"]


@pytest.mark.parametrize("bad,error,match", [
    (lambda losses: dict(losses), TypeError, "output_real=..., output_fake=..."),
    (lambda losses: {**losses, "extra": losses["errD"].value}, TypeError, "'extra' is a Tensor; wrap it as LossTerm"),
    (lambda losses: losses.output_real, TypeError, "must return StepLosses"),
    (lambda losses: nets.StepLosses({"errD": LossTerm(losses.output_real.mean(dim=1))},
                                    output_real=losses.output_real, output_fake=losses.output_fake),
     ValueError, r"'errD' must be a scalar tensor, got \(8,\)"),
])
def test_what_a_discriminator_hook_returns_is_checked_with_an_error_naming_the_problem(bad, error, match):
    torch.manual_seed(0)

    class Bad(nets.sngan.SNGANDiscriminator):
        def compute_discriminator_losses(self, *args, **kwargs):
            return bad(super().compute_discriminator_losses(*args, **kwargs))

    netG, netD = nets.sngan.SNGANGenerator(ngf=16, resolution=32), Bad(ndf=16, resolution=32)
    with pytest.raises(error, match=match):
        netD.train_step(data_batch(), netG, torch.optim.SGD(netD.parameters(), 0.1), MetricLog())


def test_both_hooks_return_step_losses_with_the_logits_they_came_from():
    (netG, netD), _ = twins("acgan")
    images, labels = data_batch()
    fake, fake_labels = netG.generate_batch(N)
    d_losses = netD.compute_discriminator_losses(images, labels, fake.detach(), fake_labels)
    g_losses = netG.compute_generator_losses(fake, fake_labels, netD)
    for losses, names in ((d_losses, ["errD", "errD_cond"]), (g_losses, ["errG", "errG_cond"])):
        assert isinstance(losses, nets.StepLosses) and list(losses) == names
        assert all(isinstance(term, LossTerm) for term in losses.values())
        assert losses.output_fake.shape == (N, 1)
    assert d_losses.output_real.shape == (N, 1) and g_losses.output_real is None
