"""The class-conditional variants: cGAN-PD, ACGAN, BigGAN, ContraGAN and ReACGAN, their blocks,
losses, train steps and presets."""
import copy
import json
import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_gan_zoo import nets
from torch_gan_zoo.losses import (conditional_contrastive_loss, data_to_data_cross_entropy_loss,
                                  orthogonal_regularization)
from torch_gan_zoo.modules import (
    BigGANGBlock,
    ConditionalBatchNorm2d,
    LinearConditionalBatchNorm2d,
    ProjectionHead,
    SelfAttention,
    SNLinear,
    orthogonal_init_,
)
from torch_gan_zoo.nets import AuxiliaryDiscriminator, BaseModel
from torch_gan_zoo.nets.backbones import ResNetDiscriminatorBackbone, ResNetGeneratorBackbone
from torch_gan_zoo.config.presets import get_preset
from torch_gan_zoo.training import MetricLog
from torch_gan_zoo.training.ema import ExponentialMovingAverage
from torch_gan_zoo.training.recipe import build_config, run_config

VARIANTS = ("cgan_pd", "acgan", "biggan", "contragan", "reacgan")
RESOLUTIONS = (32, 48, 64, 128)
BIGGAN_FAMILY = ("biggan", "contragan", "reacgan")
AUXILIARY = ("acgan", "contragan", "reacgan")


def tiny_kwargs(name, resolution=32):
    """Small widths that keep every layer (self-attention needs >= 8 channels) and run fast."""
    if name not in BIGGAN_FAMILY:
        return {"ngf": 16, "ndf": 16 if resolution == 32 else 32}
    kwargs = {"ngf": 32 if resolution in (32, 48) else 64, "ndf": 16 if resolution == 32 else 128, "shared_dim": 8}
    if name != "biggan":
        kwargs["embed_dim"] = 8
    return kwargs


def make(name, resolution=32, seed=0, num_classes=5, **kwargs):
    torch.manual_seed(seed)
    return nets.create_model(name, resolution, num_classes=num_classes, **{**tiny_kwargs(name, resolution), **kwargs})


def batch(n=8, resolution=32, num_classes=5, seed=1):
    rng = torch.Generator().manual_seed(seed)
    return (torch.rand(n, 3, resolution, resolution, generator=rng) * 2 - 1,
            torch.randint(0, num_classes, (n,), generator=rng))


def params(net):
    return {k: v.detach().clone() for k, v in net.named_parameters()}


# ---------------------------------------------------------------------------------------------- registry
def test_every_variant_is_registered_at_every_resolution_with_its_paper_and_preset():
    listed = nets.list_models()
    papers = {"cgan_pd": "Miyato & Koyama", "acgan": "Odena", "biggan": "Brock", "contragan": "Kang & Park",
              "reacgan": "Rebooting ACGAN"}
    for name in VARIANTS:
        for resolution in RESOLUTIONS:
            assert (name, resolution) in listed
            assert papers[name] in nets.model_info(name, resolution)["paper"]
        preset = get_preset(name)
        assert json.loads(json.dumps(preset)) == preset


@pytest.mark.parametrize("name", VARIANTS)
@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_each_variant_builds_and_maps_shapes(name, resolution):
    netG, netD = make(name, resolution)
    assert netG.resolution == netD.resolution == resolution and netG.model_name == name
    netG.eval()
    images, labels = netG.generate_images_with_labels(2, c=[0, 4])
    assert images.shape == (2, 3, resolution, resolution) and labels.tolist() == [0, 4]
    assert images.min() >= -1 and images.max() <= 1
    assert netD.discriminate(images, labels).shape == (2, 1)
    if isinstance(netD, AuxiliaryDiscriminator):
        logits, aux = netD.discriminate_with_aux(images, labels)
        assert logits.shape == (2, 1)
        if name == "acgan":
            assert aux.shape == (2, 5)
        else:
            assert aux[0].shape == aux[1].shape == (2, 8)


@pytest.mark.slow
def test_biggan_128_has_the_papers_parameter_counts(monkeypatch):
    import torch_gan_zoo.nets.biggan.base as biggan_base

    monkeypatch.setattr(biggan_base, "orthogonal_init_", lambda model: model)  # the count needs no init
    netG, netD = nets.create_model("biggan", 128)
    assert netG.count_params()[0] == 70_433_988  # paper: 70.4M
    assert netD.count_params()[0] == 87_982_370  # paper: 88.0M
    assert netG.nz == 120 and netG.chunk_size == 20 and netG.num_classes == 1000


def test_default_hyperparameters_follow_the_references():
    netG, netD = nets.create_model("cgan_pd", 32)
    assert (netG.nz, netG.ngf, netD.ndf, netG.num_classes) == (128, 256, 128, 10)  # Mimicry's cGAN-PD 32
    info = nets.model_info("biggan", 32)
    assert info["generator_defaults"]["nz"] == 80 and info["generator_defaults"]["ngf"] == 4 * 96  # StudioGAN
    assert info["discriminator_defaults"]["ndf"] == 2 * 96
    assert info["generator_defaults"]["ortho_reg_weight"] == 1e-4  # the paper's beta
    assert nets.model_info("reacgan", 32)["generator_defaults"]["ortho_reg_weight"] == 0.0  # StudioGAN
    reacgan_d = nets.model_info("reacgan", 32)["discriminator_defaults"]
    assert (reacgan_d["temperature"], reacgan_d["pos_margin"], reacgan_d["neg_margin"], reacgan_d["cond_lambda"]) == \
        (0.5, 0.98, 0.02, 0.5)
    contragan_d = nets.model_info("contragan", 32)["discriminator_defaults"]
    assert (contragan_d["temperature"], contragan_d["cond_lambda"], contragan_d["embed_dim"]) == (1.0, 1.0, 512)
    assert nets.model_info("acgan", 32)["discriminator_defaults"]["classify_fakes"] is True


# ---------------------------------------------------------------------------------------------- training
@pytest.mark.parametrize("name", VARIANTS)
def test_train_steps_change_only_their_own_network(name):
    netG, netD = make(name)
    optG = torch.optim.Adam(netG.parameters(), 1e-2, betas=(0.0, 0.9))
    optD = torch.optim.Adam(netD.parameters(), 1e-2, betas=(0.0, 0.9))
    g0, d0 = params(netG), params(netD)
    log = netD.train_step(batch(), netG, optD, MetricLog())
    assert all(torch.equal(g0[k], v) for k, v in netG.named_parameters())
    assert any(not torch.equal(d0[k], v) for k, v in netD.named_parameters())
    assert all(p.grad is None for p in netG.parameters())
    d1 = params(netD)
    netD.zero_grad(set_to_none=True)
    netG.train_step(batch(), netD, optG, log)
    assert all(torch.equal(d1[k], v) for k, v in netD.named_parameters())
    assert all(p.grad is None for p in netD.parameters()) and all(p.requires_grad for p in netD.parameters())
    assert any(not torch.equal(g0[k], v) for k, v in netG.named_parameters())
    expected = {"errD", "D(x)", "D(G(z))", "errG"}
    if name in AUXILIARY:
        expected |= {"errD_cond", "errG_cond"}
    if name == "biggan":
        expected |= {"ortho"}
    means = log.means()
    assert set(means) == expected
    assert all(math.isfinite(v) for v in means.values())


@pytest.mark.parametrize("name", ["acgan", "biggan", "reacgan"])
def test_train_steps_under_bf16_autocast_and_with_grad_scaler(name):
    netG, netD = make(name)
    optG, optD = torch.optim.Adam(netG.parameters(), 1e-3), torch.optim.Adam(netD.parameters(), 1e-3)
    log = MetricLog()
    netD.train_step(batch(4), netG, optD, log, amp_dtype=torch.bfloat16)
    netG.train_step(batch(4), netD, optG, log, amp_dtype=torch.bfloat16)
    scalers = torch.amp.GradScaler("cpu"), torch.amp.GradScaler("cpu")
    netD.train_step(batch(4), netG, optD, log, scaler=scalers[0])
    netG.train_step(batch(4), netD, optG, log, scaler=scalers[1])
    assert all(math.isfinite(v) for v in log.means().values())
    if name == "biggan":
        assert log.values("ortho")[0].dtype == torch.float32


@pytest.mark.parametrize("name", VARIANTS)
def test_class_conditional_sampling_returns_and_uses_the_requested_classes(name):
    netG, _ = make(name)
    netG.eval()
    images, labels = netG.generate_images_with_labels(3, c=2)
    assert labels.tolist() == [2, 2, 2] and images.shape == (3, 3, 32, 32)
    assert netG.generate_images(5, c=torch.arange(5)).shape == (5, 3, 32, 32)
    with torch.no_grad():  # class-conditional batch norm starts class-independent: stand in for training
        for module in netG.modules():
            if isinstance(module, ConditionalBatchNorm2d):
                module.gamma.weight.normal_(1.0, 0.1)
    z = netG.sample_latent(4)
    with torch.no_grad():
        assert not torch.allclose(netG(z, torch.zeros(4, dtype=torch.long)), netG(z, torch.ones(4, dtype=torch.long)))
    with pytest.raises(ValueError, match=r"lie in \[0, 5\)"):
        netG.generate_images(2, c=5)


def test_biggan_truncation_bounds_the_whole_hierarchical_latent():
    netG, _ = make("biggan")
    netG.eval()
    seen = {}
    netG.register_forward_pre_hook(lambda module, args: seen.__setitem__("z", args[0]))
    for i, block in enumerate(netG.backbone.blocks):
        block.register_forward_pre_hook(lambda module, args, i=i: seen.__setitem__(i, args[1]))
    with torch.no_grad():
        netG.generate_images(64, c=3, truncation=0.5)
    z = seen["z"]
    assert z.shape == (64, 80) and z.abs().max() <= 0.5 and z.std() > 0.2
    shared = netG.shared(torch.full((64,), 3))
    for i in range(3):  # block i sees [shared(y), chunk i + 1]
        assert torch.equal(seen[i][:, :8], shared)
        assert torch.equal(seen[i][:, 8:], z[:, 20 * (i + 1):20 * (i + 2)])


def test_biggan_every_latent_chunk_changes_the_image():
    netG, _ = make("biggan")
    netG.eval()
    z, y = netG.sample_latent(2), torch.tensor([0, 1])
    with torch.no_grad():
        base = netG(z, y)
        for chunk in range(4):
            moved = z.clone()
            moved[:, 20 * chunk:20 * (chunk + 1)] += 1.0
            assert not torch.allclose(netG(moved, y), base), chunk
    with pytest.raises(ValueError, match=r"noise of shape \(N, 80\)"):
        netG(torch.zeros(2, 60), y)


# ---------------------------------------------------------------------------------------------- orthogonal reg
def _ortho_direct(weights, beta):
    total = 0.0
    for w in weights:
        W = w.detach().double().reshape(w.shape[0], -1).t()  # (fan_in, out): the filters are columns
        gram = W.t() @ W
        total += float(((gram * (1 - torch.eye(gram.shape[0], dtype=gram.dtype))) ** 2).sum())
    return beta * total


def test_orthogonal_regularization_matches_the_formula():
    columns = torch.tensor([[1.0, 2.0], [0.0, 1.0]])  # filters (1, 2) and (0, 1)... as rows of (out, fan_in)
    # W^T W = [[5, 2], [2, 1]] -> off-diagonal squares 2 * 4 = 8
    assert orthogonal_regularization([columns], strength=0.5).item() == pytest.approx(4.0)
    torch.manual_seed(0)
    weights = [torch.randn(3, 7), torch.randn(9, 2), torch.randn(4, 2, 3, 3), torch.randn(40, 3)]
    for w in weights:  # both branches: out <= fan_in and out > fan_in
        assert orthogonal_regularization([w], 1e-4).item() == pytest.approx(_ortho_direct([w], 1e-4), rel=1e-5)
    assert orthogonal_regularization(weights, 2.0).item() == pytest.approx(_ortho_direct(weights, 2.0), rel=1e-5)
    q, _ = torch.linalg.qr(torch.randn(6, 6))
    assert orthogonal_regularization([3 * q[:4]]).item() == pytest.approx(0.0, abs=1e-9)  # orthogonal filters
    assert orthogonal_regularization([]).item() == 0.0
    with pytest.raises(ValueError, match="weight matrices"):
        orthogonal_regularization([torch.ones(3)])


def test_biggan_ortho_term_covers_the_right_weights_and_matches_the_formula():
    netG, _ = make("biggan", ortho_reg_weight=0.01)
    names = {id(p): n for n, p in netG.named_parameters()}
    covered = {names[id(p)] for p in netG.ortho_regularized_weights()}
    assert "shared.weight" not in covered
    assert "backbone.l1.parametrizations.weight.original" in covered
    assert "backbone.blocks.0.b1.to_gain.parametrizations.weight.original" in covered
    assert not any(n.endswith("bias") or n.endswith("gamma") or "b_out" in n for n in covered)
    expected = [p for n, p in netG.named_parameters() if p.dim() >= 2 and n != "shared.weight"]
    assert len(covered) == len(expected)
    assert netG.compute_weight_regularizers()["ortho"].item() == pytest.approx(_ortho_direct(expected, 0.01), rel=1e-5)
    assert make("biggan", ortho_reg_weight=0.0)[0].compute_weight_regularizers() == {}
    with pytest.raises(ValueError, match="ortho_reg_weight"):
        make("biggan", ortho_reg_weight=-1.0)


def test_biggan_ortho_term_changes_the_generator_update_by_its_gradient():
    beta, lr = 0.5, 0.1
    steps = {}
    for weight in (0.0, beta):
        netG, netD = make("biggan", ortho_reg_weight=weight)
        start = params(netG)
        opt = torch.optim.SGD(netG.parameters(), lr)
        torch.manual_seed(5)
        log = netG.train_step(batch(), netD, opt, MetricLog())
        steps[weight] = {k: v.detach() - start[k] for k, v in netG.named_parameters()}
        assert ("ortho" in log.names()) == (weight > 0)
    netG, _ = make("biggan", ortho_reg_weight=beta)
    penalty = netG.compute_weight_regularizers()["ortho"]
    penalty.backward()
    for name, p in netG.named_parameters():
        grad = torch.zeros_like(p) if p.grad is None else p.grad
        assert torch.allclose(steps[beta][name] - steps[0.0][name], -lr * grad, atol=1e-6), name
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in netG.ortho_regularized_weights())
    assert netG.shared.weight.grad is None


# ---------------------------------------------------------------------------------------------- contrastive losses
def _unit(v):
    norm = math.sqrt(sum(x * x for x in v))
    return [x / norm for x in v]


def _dot(a, b):
    return sum(x * y for x, y in zip(a, b))


def _inputs(seed=0, n=6, d=4):
    rng = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=rng), torch.randn(n, d, generator=rng), torch.tensor([0, 1, 0, 2, 1, 0])[:n]


def two_c_by_hand(embed, proxy, labels, t):
    f = [_unit(v) for v in embed.tolist()]
    p = [_unit(v) for v in proxy.tolist()]
    y = labels.tolist()
    losses = []
    for i in range(len(f)):
        to_proxy = math.exp(_dot(f[i], p[i]) / t)
        positives = sum(math.exp(_dot(f[i], f[k]) / t) for k in range(len(f)) if k != i and y[k] == y[i])
        everyone = sum(math.exp(_dot(f[i], f[k]) / t) for k in range(len(f)) if k != i)
        losses.append(-math.log((to_proxy + positives) / (to_proxy + everyone)))
    return sum(losses) / len(losses)


def d2d_ce_by_hand(embed, proxy, labels, t, m_p, m_n):
    f = [_unit(v) for v in embed.tolist()]
    p = [_unit(v) for v in proxy.tolist()]
    y = labels.tolist()
    losses = []
    for i in range(len(f)):
        positive = math.exp(min(_dot(f[i], p[i]) - m_p, 0.0) / t)
        negatives = sum(math.exp(max(_dot(f[i], f[j]) - m_n, 0.0) / t) for j in range(len(f)) if y[j] != y[i])
        losses.append(-math.log(positive / (positive + negatives)))
    return sum(losses) / len(losses)


@pytest.mark.parametrize("t", [1.0, 0.1])
def test_2c_loss_equals_a_hand_computation(t):
    embed, proxy, labels = _inputs()
    assert conditional_contrastive_loss(embed, proxy, labels, t).item() == pytest.approx(
        two_c_by_hand(embed, proxy, labels, t), rel=1e-5)
    # Scale-free (cosine similarities) and float32 even from bfloat16 inputs.
    assert conditional_contrastive_loss(3 * embed, proxy, labels, t).item() == pytest.approx(
        two_c_by_hand(embed, proxy, labels, t), rel=1e-5)
    assert conditional_contrastive_loss(embed.bfloat16(), proxy.bfloat16(), labels, t).dtype == torch.float32


@pytest.mark.parametrize("t,m_p,m_n", [(0.5, 0.98, 0.02), (0.1, 0.3, -0.2), (1.0, -0.5, 0.9)])
def test_d2d_ce_loss_equals_a_hand_computation(t, m_p, m_n):
    embed, proxy, labels = _inputs(seed=3)
    assert data_to_data_cross_entropy_loss(embed, proxy, labels, t, m_p, m_n).item() == pytest.approx(
        d2d_ce_by_hand(embed, proxy, labels, t, m_p, m_n), rel=1e-5)


def test_d2d_ce_margins_and_false_negative_removal():
    embed = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    # Each sample sits on its proxy (similarity 1 > m_p) and the two are orthogonal (0 < m_n): nothing to learn.
    loss = data_to_data_cross_entropy_loss(embed, embed.clone(), torch.tensor([0, 1]), 0.5, 0.98, 0.02)
    assert loss.item() == pytest.approx(math.log(2.0))  # exp(0) / (exp(0) + exp(0)): both terms clipped to 0
    same_class = data_to_data_cross_entropy_loss(embed, embed.clone(), torch.tensor([0, 0]))
    assert same_class.item() == pytest.approx(0.0, abs=1e-7)  # no negatives left after removal
    # A lone sample of its class still has a finite 2C loss (its proxy is always a positive).
    assert math.isfinite(conditional_contrastive_loss(embed, embed, torch.tensor([0, 1])).item())


def test_contrastive_losses_reject_bad_inputs():
    embed, proxy, labels = _inputs()
    with pytest.raises(ValueError, match="shape"):
        conditional_contrastive_loss(embed, proxy[:, :2], labels)
    with pytest.raises(ValueError, match="labels must have shape"):
        data_to_data_cross_entropy_loss(embed, proxy, labels[:3])
    with pytest.raises(ValueError, match="temperature"):
        conditional_contrastive_loss(embed, proxy, labels, temperature=0)


@pytest.mark.parametrize("name,loss_fn", [("contragan", "2c"), ("reacgan", "d2d")])
def test_contrastive_discriminators_use_their_loss_on_their_heads(name, loss_fn):
    _, netD = make(name, temperature=0.3)
    netD.eval()  # no power iteration between the two proxy look-ups
    images, labels = batch(6)
    logits, (embed, proxy) = netD.discriminate_with_aux(images, labels)
    assert torch.equal(proxy, netD.proxy(labels))
    if loss_fn == "2c":
        expected = two_c_by_hand(embed, proxy, labels, 0.3)
    else:
        expected = d2d_ce_by_hand(embed, proxy, labels, 0.3, netD.pos_margin, netD.neg_margin)
    assert netD.compute_aux_loss((embed, proxy), labels).item() == pytest.approx(expected, rel=1e-5)
    with pytest.raises(ValueError, match="temperature"):
        make(name, temperature=0.0)


# ---------------------------------------------------------------------------------------------- ACGAN
def test_acgan_class_loss_is_cross_entropy_on_real_and_fake_images():
    images, labels = batch(6)
    for classify_fakes in (True, False):
        netG, netD = make("acgan", classify_fakes=classify_fakes)
        d_copy, g_copy = copy.deepcopy(netD), copy.deepcopy(netG)
        torch.manual_seed(11)
        log = netD.train_step((images, labels), netG, torch.optim.SGD(netD.parameters(), 0.0), MetricLog())
        torch.manual_seed(11)
        with torch.no_grad():
            fake_images, fake_labels = g_copy.generate_batch(6)
            _, real_logits = d_copy(images, labels, return_aux=True)
            _, fake_logits = d_copy(fake_images, fake_labels, return_aux=True)

        def by_hand(logits, y):
            log_probs = [[x - math.log(sum(math.exp(v) for v in row)) for x in row] for row in logits.tolist()]
            return -sum(row[c] for row, c in zip(log_probs, y.tolist())) / len(log_probs)

        expected = by_hand(real_logits, labels) + (by_hand(fake_logits, fake_labels) if classify_fakes else 0.0)
        assert log["errD_cond"] == pytest.approx(expected, rel=1e-4)


def test_cond_lambda_weights_the_auxiliary_loss():
    images, labels = batch()
    heads = {}
    for cond_lambda in (0.0, 1.0):
        netG, netD = make("acgan", cond_lambda=cond_lambda)
        start = params(netD)
        netD.train_step((images, labels), netG, torch.optim.Adam(netD.parameters(), 1e-2), MetricLog())
        heads[cond_lambda] = not torch.equal(start["l_cls.parametrizations.weight.original"],
                                             netD.l_cls.parametrizations.weight.original)
    assert heads == {0.0: False, 1.0: True}  # with weight 0 the classifier gets no gradient
    with pytest.raises(ValueError, match="cond_lambda"):
        make("acgan", cond_lambda=-1.0)


def test_generator_adds_the_discriminators_auxiliary_loss():
    updates = []
    for cond_lambda in (0.0, 1.0):
        netG, netD = make("reacgan", cond_lambda=cond_lambda)
        start = params(netG)
        torch.manual_seed(2)
        log = netG.train_step(batch(), netD, torch.optim.SGD(netG.parameters(), 0.1), MetricLog())
        assert "errG_cond" in log.names()
        updates.append({k: v.detach() - start[k] for k, v in netG.named_parameters()})
    assert any(not torch.allclose(updates[0][k], updates[1][k]) for k in updates[0])
    # A cGAN-PD generator paired with an auxiliary discriminator trains on its auxiliary loss too.
    netG, _ = make("cgan_pd")
    _, netD = make("acgan")
    log = netG.train_step(batch(), netD, torch.optim.SGD(netG.parameters(), 0.1), MetricLog())
    assert "errG_cond" in log.names()


def test_auxiliary_discriminators_need_labels():
    netG, netD = make("reacgan")
    images, _ = batch(2)
    with pytest.raises(ValueError, match="class-conditional"):
        netD.discriminate_with_aux(images, None)
    with pytest.raises(ValueError, match="class-conditional"):
        netD.train_step(images, netG, torch.optim.SGD(netD.parameters(), 0.1), MetricLog())


# ---------------------------------------------------------------------------------------------- checkpoints
@pytest.mark.parametrize("name", ["acgan", "biggan", "reacgan"])
def test_checkpoints_rebuild_the_networks(name, tmp_path):
    netG, netD = make(name)
    images, labels = batch(4)
    netD.train_step((images, labels), netG, torch.optim.Adam(netD.parameters()), MetricLog())
    for net, tag in ((netG, "g"), (netD, "d")):
        rebuilt = BaseModel.from_checkpoint(net.save_checkpoint(str(tmp_path / tag), 3))
        assert type(rebuilt) is type(net)
        net.eval()
        z = torch.randn(4, net.nz) if tag == "g" else images
        assert torch.equal(rebuilt(z, labels), net(z, labels))


# ---------------------------------------------------------------------------------------------- presets
PRESET_FACTS = {
    "cgan_pd": {"betas": [0.0, 0.9], "lr": 2e-4, "n_dis": 5, "batch_size": 64, "lr_decay": "linear", "ema": None},
    "acgan": {"betas": [0.5, 0.999], "lr": 2e-4, "n_dis": 5, "batch_size": 64, "lr_decay": None, "ema": None},
    "biggan": {"betas": [0.5, 0.999], "lr": 2e-4, "n_dis": 5, "batch_size": 64, "lr_decay": None,
               "ema": {"decay": 0.9999, "start_step": 1000}},
    "contragan": {"betas": [0.5, 0.999], "lr": 2e-4, "n_dis": 5, "batch_size": 64, "lr_decay": None,
                  "ema": {"decay": 0.9999, "start_step": 1000}},
    "reacgan": {"betas": [0.5, 0.999], "lr": 2.8284271e-4, "n_dis": 5, "batch_size": 128, "lr_decay": None,
                "ema": {"decay": 0.9999, "start_step": 1000}},
}


@pytest.mark.parametrize("name", VARIANTS)
def test_presets_build_train_and_round_trip_through_hparams_json(name, tmp_path):
    facts = PRESET_FACTS[name]
    preset = get_preset(name)
    assert preset["loss_type"] == "hinge" and preset["num_steps"] == 100000
    assert (preset["n_dis"], preset["batch_size"], preset["lr_decay"]) == (facts["n_dis"], facts["batch_size"],
                                                                            facts["lr_decay"])
    assert preset["optG"]["lr"] == preset["optD"]["lr"] == facts["lr"] and preset["optD"]["betas"] == facts["betas"]
    widths = [f"model_kwargs.{k}={v}" for k, v in tiny_kwargs(name).items()]
    config = build_config(name, dataset="shapes", resolution=32, log_dir=str(tmp_path / "run"), seed=0, device="cpu",
                          dataset_kwargs={"num_images": 8},
                          overrides=["num_steps=1", "batch_size=4", "n_dis=1", *widths])
    assert config["optG"] == preset["optG"] and config["trainer_kwargs"] == preset["trainer_kwargs"]
    result = run_config(config)
    assert result["global_step"] == 1 and math.isfinite(result["metrics"]["errG"])
    saved = json.loads((tmp_path / "run" / "hparams.json").read_text())
    assert saved["optG"]["param_groups"][0]["betas"] == facts["betas"]
    assert saved["optD"]["param_groups"][0]["lr"] == pytest.approx(facts["lr"])
    assert saved["lr_decay"] == facts["lr_decay"] and saved["ema"] == facts["ema"]
    assert saved["netG"]["kwargs"]["num_classes"] == 5  # taken from the shapes dataset
    assert saved["netD"]["kwargs"]["loss_type"] == "hinge"
    if name == "biggan":
        assert saved["netG"]["kwargs"]["ortho_reg_weight"] == 0.0  # StudioGAN's CIFAR-10 recipe has none
    if name in ("acgan", "biggan", "contragan", "reacgan"):
        assert saved["optG"]["param_groups"][0]["eps"] == 1e-6
    # The same config resumes the run (hparams.json matches) and extends it.
    resumed = run_config(build_config(name, config=config, overrides=["num_steps=2"]))
    assert resumed["global_step"] == 2


def test_biggan_generator_works_with_ema_standing_statistics():
    netG, _ = make("biggan")
    ema = ExponentialMovingAverage(netG, 0.999)
    netG.backbone.l1.parametrizations.weight.original.data.add_(0.1)
    ema.update(netG, 1)
    shadow = ema.standing_stats(num_batches=2, batch_size=4)
    assert not shadow.training and shadow.generate_images(2, c=1).shape == (2, 3, 32, 32)


# ---------------------------------------------------------------------------------------------- blocks
def test_linear_conditional_batch_norm_takes_gain_and_bias_from_the_vector():
    torch.manual_seed(0)
    cbn = LinearConditionalBatchNorm2d(3, 2, spectral_norm=False)
    x, c = torch.randn(4, 3, 5, 5), torch.randn(4, 2)
    normed = F.batch_norm(x, None, None, training=True, eps=1e-5)
    gain = 1 + c @ cbn.to_gain.weight.t()
    bias = c @ cbn.to_bias.weight.t()
    assert torch.allclose(cbn(x, c), normed * gain[:, :, None, None] + bias[:, :, None, None], atol=1e-5)
    block = BigGANGBlock(8, 4, cond_dim=2)
    assert block(torch.randn(2, 8, 4, 4), torch.randn(2, 2)).shape == (2, 4, 8, 8)
    with pytest.raises(ValueError, match="class-conditional"):
        block(torch.randn(2, 8, 4, 4))


def test_biggan_places_self_attention_at_its_resolution():
    for resolution, g_after, d_after in ((32, 2, 1), (128, 4, 1)):  # StudioGAN's 16 px; the paper's 64 px
        netG, netD = make("biggan", resolution)
        assert netG.backbone.attention_after == g_after and netD.backbone.attention_after == d_after
        assert isinstance(netG.backbone.attention, SelfAttention) and isinstance(netD.backbone.attention, SelfAttention)
    block = BigGANGBlock(8, 8, cond_dim=3)
    assert block(torch.randn(2, 8, 2, 2), torch.randn(2, 3)).shape == (2, 8, 4, 4)


def test_projection_head_adds_the_class_projection():
    torch.manual_seed(0)
    head = ProjectionHead(4, 3, spectral_norm=False)
    h, y = torch.randn(5, 4), torch.tensor([0, 1, 2, 1, 0])
    expected = h @ head.linear.weight.t() + head.linear.bias + (head.embed.weight[y] * h).sum(1, keepdim=True)
    assert torch.allclose(head(h, y), expected, atol=1e-6)


def test_orthogonal_init_handles_spectral_norm_and_biases():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 4), SNLinear(5, 3), nn.Conv2d(2, 3, 3), nn.Embedding(4, 6))
    orthogonal_init_(model)
    for weight in (model[0].weight, model[1].parametrizations.weight.original, model[2].weight, model[3].weight):
        flat = weight.detach().reshape(weight.shape[0], -1)
        small = flat @ flat.t() if flat.shape[0] <= flat.shape[1] else flat.t() @ flat
        assert torch.allclose(small, torch.eye(small.shape[0]), atol=1e-5)
    assert model[0].bias.abs().sum() == 0 and model[1].bias.abs().sum() == 0 and model[2].bias.abs().sum() == 0
    model.eval()  # the stored spectral-norm estimate was refreshed: the normalised weight has norm 1
    assert torch.linalg.matrix_norm(model[1].weight.detach(), ord=2).item() == pytest.approx(1.0, abs=1e-3)


def test_backbone_options_are_backward_compatible():
    trunk = ResNetGeneratorBackbone(4, [8, 8, 8], 2, block_factory=lambda i, c_in, c_out: BigGANGBlock(c_in, c_out, 3))
    conds = [torch.randn(2, 3), torch.randn(2, 3)]
    assert trunk(torch.randn(2, 4), conds).shape == (2, 3, 8, 8)
    with pytest.raises(ValueError, match="got 1 conditioning inputs for 2 generator blocks"):
        trunk(torch.randn(2, 4), conds[:1])
    plain = ResNetGeneratorBackbone(4, [8, 8], 2, num_classes=3)
    assert plain(torch.randn(2, 4), torch.tensor([0, 2])).shape == (2, 3, 4, 4)
    wide = ResNetDiscriminatorBackbone(3, [8, 16], [True, False], wide=True)
    narrow = ResNetDiscriminatorBackbone(3, [8, 16], [True, False])
    assert wide.blocks[1].c1.out_channels == 16 and narrow.blocks[1].c1.out_channels == 8


def test_biggan_rejects_bad_settings():
    with pytest.raises(ValueError, match="not divisible by 4"):
        make("biggan", nz=30)
    with pytest.raises(ValueError, match="generator's blocks output"):
        make("biggan", g_kwargs={"attention_resolution": 12})
    with pytest.raises(ValueError, match="discriminator's blocks output"):
        make("biggan", d_kwargs={"attention_resolution": 32})
    netG, netD = make("biggan", attention_resolution=None)
    assert not any(isinstance(m, SelfAttention) for m in list(netG.modules()) + list(netD.modules()))


class _SquaredLogits:
    """A regulariser following the library's protocol: weight * mean(D(x)^2)."""

    name = "squared_logits"

    def __init__(self, weight):
        self.weight = weight
        self.seen = {}

    def to_config(self):
        return {"name": self.name, "weight": self.weight}

    def __call__(self, netD, *, real_images, real_labels, fake_images, fake_labels, output_real, output_fake,
                 global_step, scaler, amp_dtype):
        self.seen = {"real_labels": real_labels, "fake_labels": fake_labels}
        return self.weight * output_real.float().pow(2).mean()


def test_auxiliary_discriminators_apply_regularizers_and_augmentation():
    netG, netD = make("reacgan")
    seen = []

    def augment(images):
        seen.append(images.shape[0])
        return images.flip(3)

    augment.to_config = lambda: {"name": "flip"}
    regularizer = _SquaredLogits(10.0)
    netD.regularizers.append(regularizer)
    netD.augment = augment
    images, labels = batch(4)
    d_copy = copy.deepcopy(netD)
    log = netD.train_step((images, labels), netG, torch.optim.SGD(netD.parameters(), 0.0), MetricLog())
    assert seen == [4, 4]  # real and fake batches, both augmented
    assert torch.equal(regularizer.seen["real_labels"], labels)
    expected = 10.0 * d_copy(images.flip(3), labels).pow(2).mean().item()
    assert log["squared_logits"] == pytest.approx(expected, rel=1e-5)
    assert netD.hparams()["regularizers"] == [{"name": "squared_logits", "weight": 10.0}]
    netG.train_step((images, labels), netD, torch.optim.SGD(netG.parameters(), 0.0), log)
    assert seen == [4, 4, 4]  # the generator's images are scored through the augmentation too


def test_cli_trains_a_conditional_variant_with_its_preset_and_samples_from_it(tmp_path, capsys):
    from torch_gan_zoo import cli

    log_dir = tmp_path / "run"
    widths = [arg for k, v in tiny_kwargs("reacgan").items() for arg in ("--set", f"model_kwargs.{k}={v}")]
    argv = ["train", "--model", "reacgan", "--dataset", "shapes", "--steps", "1", "--batch-size", "4", "--n-dis", "1",
            "--log-dir", str(log_dir), "--seed", "0", "--set", "dataset_kwargs.num_images=8",
            "--set", "trainer_kwargs.progress=false", *widths]
    assert cli.main(argv) == 0
    hparams = json.loads((log_dir / "hparams.json").read_text())
    assert hparams["netD"]["class"].endswith("ReACGANDiscriminator32")
    assert hparams["netD"]["kwargs"]["cond_lambda"] == 0.5
    assert hparams["ema"] == {"decay": 0.9999, "start_step": 1000}
    out = tmp_path / "samples.png"
    ckpt = log_dir / "checkpoints" / "netG_ema" / "netG_ema_1_steps.pth"
    assert cli.main(["sample", "--checkpoint", str(ckpt), "--out", str(out), "--num-images", "4"]) == 0
    assert out.exists()
