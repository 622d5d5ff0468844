"""The unconditional variants (WGAN-GP, LSGAN, SSGAN, InfoMax-GAN, SAGAN): registry, shapes at every
resolution, train steps that touch only their own network, the variant-specific terms against hand
computations, self-attention, and presets that train and round-trip through hparams.json."""
import json

import pytest
import torch
import torch.nn.functional as F
from torch.nn.utils import parametrize

from torch_gan_zoo import nets
from torch_gan_zoo.losses import GradientPenalty, LeCamRegularizer, infonce_loss
from torch_gan_zoo.modules import SelfAttention, UpsampleConvBlock
from torch_gan_zoo.nets import BaseModel
from torch_gan_zoo.nets.backbones import ResNetDiscriminatorBackbone, ResNetGeneratorBackbone
from torch_gan_zoo.config.presets import get_preset
from torch_gan_zoo.nets.ssgan import SSGANBaseDiscriminator
from torch_gan_zoo.nets.ssgan.base import rotate_quarters
from torch_gan_zoo.training import MetricLog
from torch_gan_zoo.training.recipe import build_config, run_config

from helpers.training import adam_pair

VARIANTS = ("wgan_gp", "lsgan", "ssgan", "infomax_gan", "sagan")
RESOLUTIONS = (32, 48, 64, 128)
EXTRA_LOGS = {"wgan_gp": {"gradient_penalty"}, "lsgan": set(), "ssgan": {"errD_SS", "errG_SS"},
              "infomax_gan": {"errD_IM", "errG_IM"}, "sagan": set()}


def tiny(name, resolution=32, seed=0, **kwargs):
    """Small widths that still give the attention blocks >= 8 channels at every resolution."""
    torch.manual_seed(seed)
    widths = {"ngf": 64, "ndf": 64} if resolution > 32 else {"ngf": 16, "ndf": 16}
    if name == "infomax_gan":
        widths["nrkhs"] = 8
    widths.update(kwargs)
    return nets.create_model(name, resolution, **widths)


def real_batch(n=8, resolution=32, seed=1):
    images = torch.rand(n, 3, resolution, resolution, generator=torch.Generator().manual_seed(seed)) * 2 - 1
    return images, torch.zeros(n, dtype=torch.long)


def test_every_variant_is_registered_at_every_resolution_with_its_paper():
    listed = nets.list_models()
    for name in VARIANTS:
        assert [r for n, r in listed if n == name] == list(RESOLUTIONS)
    assert "Gulrajani" in nets.model_info("wgan_gp_32")["paper"]
    assert "Mao" in nets.model_info("lsgan", 64)["paper"] and "Chen" in nets.model_info("ssgan", 48)["paper"]
    assert "Lee" in nets.model_info("infomax_gan", 128)["paper"] and "Zhang" in nets.model_info("sagan", 32)["paper"]
    info = nets.model_info("wgan_gp", 32)  # Mimicry's sizes
    assert info["generator_defaults"]["ngf"] == 256 and info["discriminator_defaults"]["ndf"] == 128


@pytest.mark.parametrize("resolution", RESOLUTIONS)
@pytest.mark.parametrize("name", VARIANTS)
def test_each_resolution_maps_noise_to_images_and_images_to_logits(name, resolution):
    netG, netD = tiny(name, resolution)
    netG.eval()
    netD.eval()
    with torch.no_grad():
        images = netG.generate_images(2)
        assert images.shape == (2, 3, resolution, resolution)
        assert images.min() >= -1 and images.max() <= 1
        assert netD.discriminate(images).shape == (2, 1)
    assert netG.model_name == netD.model_name == name and netG.resolution == resolution


@pytest.mark.parametrize("name", VARIANTS)
def test_train_steps_change_only_their_own_network_with_finite_losses(name):
    netG, netD = tiny(name)
    optG, optD = adam_pair(netG, netD, lr=1e-2)
    batch = real_batch()
    g0 = {k: v.clone() for k, v in netG.named_parameters()}
    d0 = {k: v.clone() for k, v in netD.named_parameters()}
    log = netD.train_step(batch, netG, optD, MetricLog(), global_step=0)
    assert all(torch.equal(g0[k], v) for k, v in netG.named_parameters())
    assert all(p.grad is None for p in netG.parameters())
    assert any(not torch.equal(d0[k], v) for k, v in netD.named_parameters())
    d1 = {k: v.clone() for k, v in netD.named_parameters()}
    netD.zero_grad(set_to_none=True)
    netG.train_step(batch, netD, optG, log, global_step=0)
    assert all(torch.equal(d1[k], v) for k, v in netD.named_parameters())
    assert all(p.grad is None for p in netD.parameters()) and all(p.requires_grad for p in netD.parameters())
    assert any(not torch.equal(g0[k], v) for k, v in netG.named_parameters())
    means = log.means()
    assert set(means) == {"errD", "errG", "D(x)", "D(G(z))"} | EXTRA_LOGS[name]
    assert all(torch.isfinite(torch.tensor(v)) for v in means.values())


@pytest.mark.parametrize("name", VARIANTS)
def test_train_steps_under_bf16_autocast_and_an_fp16_grad_scaler(name):
    netG, netD = tiny(name)
    optG, optD = adam_pair(netG, netD)
    batch, log = real_batch(4), MetricLog()
    netD.train_step(batch, netG, optD, log, amp_dtype=torch.bfloat16, global_step=0)
    netG.train_step(batch, netD, optG, log, amp_dtype=torch.bfloat16, global_step=0)
    scalers = torch.amp.GradScaler("cpu"), torch.amp.GradScaler("cpu")
    netD.train_step(batch, netG, optD, log, scaler=scalers[0], global_step=1)
    netG.train_step(batch, netD, optG, log, scaler=scalers[1], global_step=1)
    assert all(torch.isfinite(torch.tensor(v)) for v in log.means().values())


# ---------------------------------------------------------------------------------------------- WGAN-GP
@pytest.mark.parametrize("resolution", [28, 32, 48, 64])
def test_dcgan_upsample_generator_replaces_every_transposed_convolution(resolution):
    torch.manual_seed(0)
    netG = nets.dcgan.DCGANGenerator(nz=8, ngf=32, resolution=resolution, upsample=True)
    images = netG(torch.randn(3, 8))
    assert images.shape == (3, netG.nc, resolution, resolution) and images.abs().max() <= 1
    kinds = {type(m) for m in netG.modules()}
    assert torch.nn.ConvTranspose2d not in kinds and UpsampleConvBlock in kinds
    assert netG.hparams()["kwargs"]["upsample"] is True
    rebuilt = nets.dcgan.DCGANGenerator(**netG.hparams()["kwargs"])
    assert [p.shape for p in rebuilt.parameters()] == [p.shape for p in netG.parameters()]
    # The default is the paper's network, unchanged.
    default = nets.dcgan.DCGANGenerator(nz=8, ngf=32, resolution=resolution)
    assert torch.nn.ConvTranspose2d in {type(m) for m in default.modules()} and default.upsample is False


def test_dcgan_upsample_is_checked_and_reaches_the_model_through_the_config():
    with pytest.raises(TypeError, match="upsample must be True or False, not 'yes'"):
        nets.dcgan.DCGANGenerator(resolution=28, upsample="yes")
    netG, _ = nets.create_model("dcgan", 28, ngf=16, ndf=16, upsample=True)
    assert netG.upsample is True


def _conv_channels(net):
    """Output channels of every convolution of ``net``, in order."""
    return [m.out_channels for m in net.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))]


@pytest.mark.parametrize("upsample", [True, False])
@pytest.mark.parametrize("resolution", [28, 32, 48, 64])
def test_dcgan_conv_width_multiplies_the_convolutions_and_leaves_the_dense_layers(resolution, upsample):
    torch.manual_seed(0)
    plain = nets.dcgan.DCGANGenerator(nz=8, ngf=32, resolution=resolution, upsample=upsample)
    wide = nets.dcgan.DCGANGenerator(nz=8, ngf=32, resolution=resolution, upsample=upsample, conv_width=2)
    images = wide(torch.randn(3, 8))
    assert images.shape == (3, wide.nc, resolution, resolution) and images.abs().max() <= 1
    # every convolution but the one that paints the image is twice as wide; the dense layers are the same
    assert _conv_channels(wide) == [2 * c for c in _conv_channels(plain)[:-1]] + [wide.nc]
    dense = [[tuple(m.weight.shape) for m in net.modules() if isinstance(m, torch.nn.Linear)] for net in (plain, wide)]
    assert dense[0] == dense[1] and dense[0]
    assert wide.conv_width == 2 and plain.conv_width == 1 and wide.hparams()["kwargs"]["conv_width"] == 2
    rebuilt = nets.dcgan.DCGANGenerator(**wide.hparams()["kwargs"])
    assert [p.shape for p in rebuilt.parameters()] == [p.shape for p in wide.parameters()]


def test_dcgan_conv_width_is_checked_and_reaches_the_model_through_the_config():
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="conv_width must be a positive int"):
            nets.dcgan.DCGANGenerator(resolution=28, conv_width=bad)
    netG, netD = nets.create_model("dcgan", 28, ngf=16, ndf=16, upsample=True, conv_width=2)
    assert netG.conv_width == 2 and "conv_width" not in netD.hparams()["kwargs"]
    assert _conv_channels(netG) == [16, 8, 1]


def test_wgan_gp_critic_has_no_normalisation_mean_pooling_and_the_penalty_attached():
    _, netD = tiny("wgan_gp")
    assert netD.loss_type == "wasserstein" and netD.backbone.pooling == "mean"
    assert not any(parametrize.is_parametrized(m) for m in netD.modules())
    assert not any(isinstance(m, (torch.nn.BatchNorm2d, torch.nn.LayerNorm)) for m in netD.modules())
    assert [r.to_config() for r in netD.regularizers] == [GradientPenalty(10.0).to_config()]
    assert netD.hparams()["regularizers"][0]["weight"] == 10.0
    assert tiny("wgan_gp", gp_weight=0.0)[1].regularizers == []
    torch.manual_seed(0)
    x = torch.rand(2, 3, 32, 32)
    h = torch.relu(netD.backbone.blocks(x)).mean(dim=(2, 3))
    assert torch.allclose(netD(x), netD.l_out(h), atol=1e-6)


def test_wgan_gp_weight_changes_the_critic_update():
    updates = []
    for gp_weight in (10.0, 1.0):
        netG, netD = tiny("wgan_gp", gp_weight=gp_weight)
        _, optD = adam_pair(netG, netD, lr=1e-2)
        torch.manual_seed(5)
        log = netD.train_step(real_batch(4), netG, optD, MetricLog(), global_step=0)
        updates.append(([p.clone() for p in netD.parameters()], log.means()["gradient_penalty"]))
    assert updates[0][1] == pytest.approx(10 * updates[1][1], rel=1e-4)  # same draws, lambda scales it
    assert any(not torch.equal(a, b) for a, b in zip(updates[0][0], updates[1][0]))


# ---------------------------------------------------------------------------------------------- LSGAN
def test_lsgan_uses_the_least_squares_loss_and_optional_spectral_norm():
    netG, netD = tiny("lsgan")
    assert netG.loss_type == netD.loss_type == "ls"
    out_real, out_fake = torch.tensor([[0.5], [2.0]]), torch.tensor([[1.0], [0.0]])
    assert netD.compute_gan_loss(out_real, out_fake).item() == pytest.approx(0.5 * (0.25 + 1) / 2 + 0.5 * 1 / 2)
    assert netG.compute_gan_loss(out_fake).item() == pytest.approx(0.5 * (0 + 1) / 2)
    assert not any(parametrize.is_parametrized(m) for m in netD.modules())
    _, sn = tiny("lsgan", spectral_norm=True)
    assert parametrize.is_parametrized(sn.l_out) and parametrize.is_parametrized(sn.backbone.blocks[0].c1)


# ---------------------------------------------------------------------------------------------- SSGAN
def test_rotate_quarters_rotates_each_quarter_by_its_label():
    x = torch.arange(8 * 9, dtype=torch.float32).view(8, 1, 3, 3)
    rotated, labels = rotate_quarters(x)
    assert labels.tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert torch.equal(rotated[0], x[0])
    # 90 degrees counter-clockwise: the top row becomes the left column, read bottom-up
    assert torch.equal(rotated[2, 0, :, 0], x[2, 0, 0, :].flip(0))
    assert torch.equal(rotated[4], x[4].flip(1).flip(2))
    assert torch.equal(rotated[6, 0, 0, :], x[6, 0, :, 0].flip(0))
    assert rotate_quarters(x[:4])[1].tolist() == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="square"):
        rotate_quarters(torch.zeros(4, 1, 3, 5))


def test_ssgan_rotation_loss_is_the_cross_entropy_of_the_rotation_head():
    _, netD = tiny("ssgan")
    netD.eval()  # fixed spectral-norm estimate: repeated forwards agree
    x = real_batch(4)[0]
    rotated = torch.stack([torch.rot90(x[i], i, dims=(1, 2)) for i in range(4)])
    logits = netD.l_rotation(netD.backbone(rotated))
    expected = -torch.log_softmax(logits, dim=1)[torch.arange(4), torch.arange(4)].mean()
    assert netD.rotation_loss(x).item() == pytest.approx(expected.item(), rel=1e-5)
    output, rotation_logits = netD(x, rotation=True)
    assert output.shape == (4, 1) and rotation_logits.shape == (4, 4)


def test_ssgan_discriminator_and_generator_add_their_weighted_rotation_losses():
    netG, netD = tiny("ssgan")
    netD.eval()
    x = real_batch(4)[0]
    context = dict(real_images=x, real_labels=None, fake_images=x, fake_labels=None, output_real=None,
                   output_fake=None, global_step=0, scaler=None, amp_dtype=None)
    assert netD.compute_regularizers(**context)["errD_SS"].item() == pytest.approx(netD.rotation_loss(x).item())
    netD.rotation_weight = 0.5
    assert netD.compute_regularizers(**context)["errD_SS"].item() == pytest.approx(0.5 * netD.rotation_loss(x).item())
    assert netG.rotation_weight == 0.2 and tiny("ssgan")[1].rotation_weight == 1.0
    config = build_config("ssgan", overrides=["model_kwargs.d_kwargs.rotation_weight=0.5"])
    netG, netD = nets.create_model("ssgan", 32, ngf=16, ndf=16, **config["model_kwargs"])
    assert (netG.rotation_weight, netD.rotation_weight) == (0.2, 0.5)
    updates = []
    for weight in (0.0, 0.2):
        netG, netD = tiny("ssgan", g_kwargs={"rotation_weight": weight})
        optG, _ = adam_pair(netG, netD, lr=1e-2)
        torch.manual_seed(3)
        log = netG.train_step(real_batch(4), netD, optG, MetricLog())
        updates.append([p.clone() for p in netG.parameters()])
        assert (log.means()["errG_SS"] == 0) == (weight == 0)
    assert any(not torch.equal(a, b) for a, b in zip(*updates))
    with pytest.raises(TypeError, match="SSGAN discriminator"):
        netG.train_step(real_batch(4), tiny("sngan")[1], optG, MetricLog())


# ---------------------------------------------------------------------------------------------- InfoMax-GAN
def test_infonce_matches_a_hand_computation():
    torch.manual_seed(0)
    local, glob = torch.randn(3, 4, 2, 2), torch.randn(3, 4)
    flat = local.flatten(2)  # (N, C, H*W)
    total = 0.0
    for i in range(3):
        for p in range(4):
            positive = torch.exp(glob[i] @ flat[i, :, p])
            negatives = sum(torch.exp(glob[i] @ flat[j, :, q]) for j in range(3) if j != i for q in range(4))
            total += -torch.log(positive / (positive + negatives))
    assert infonce_loss(local, glob).item() == pytest.approx((total / 12).item(), rel=1e-5)
    assert infonce_loss(local[:1], glob[:1]).item() == 0
    with pytest.raises(ValueError, match="global features"):
        infonce_loss(local, glob[:, :3])


def test_infomax_features_are_projected_from_local_and_global_discriminator_features():
    _, netD = tiny("infomax_gan")
    netD.eval()
    x = real_batch(4)[0]
    output, local, glob = netD(x, features=True)
    raw_local, raw_global = netD.backbone.features(x)
    assert raw_local.shape == (4, 16, 8, 8) and raw_global.shape == (4, 16)  # before the last block at 32 px
    assert local.shape == (4, 8, 8, 8) and glob.shape == (4, 8)
    assert torch.allclose(local, netD.local_projection(raw_local), atol=1e-6)
    assert torch.allclose(output, netD(x), atol=1e-6)
    head = netD.global_projection
    assert torch.allclose(glob, head.b(torch.relu(head.a(raw_global))) + head.shortcut(raw_global), atol=1e-6)


def test_infomax_losses_use_one_forward_pass_and_their_weights():
    netG, netD = tiny("infomax_gan")
    netD.eval()  # SN estimates stay fixed, so the logged value can be recomputed
    netG.eval()
    _, optD = adam_pair(netG, netD, lr=0.0)
    x = real_batch(4)[0]
    expected = 0.2 * infonce_loss(*netD(x, features=True)[1:]).item()
    log = netD.train_step((x, None), netG, optD, MetricLog())
    assert log.means()["errD_IM"] == pytest.approx(expected, rel=1e-5)
    updates = []
    for weight in (0.0, 0.2):
        netG, netD = tiny("infomax_gan", infomax_weight=weight)
        netD.add_regularizer(LeCamRegularizer(start=0))  # regularisers still apply in the overridden step
        optG, optD = adam_pair(netG, netD, lr=1e-2)
        torch.manual_seed(3)
        log = netD.train_step(real_batch(4), netG, optD, MetricLog())
        netG.train_step(real_batch(4), netD, optG, log)
        assert "lecam" in log.means() and (log.means()["errG_IM"] == 0) == (weight == 0)
        updates.append([p.clone() for p in list(netG.parameters()) + list(netD.parameters())])
    assert any(not torch.equal(a, b) for a, b in zip(*updates))
    with pytest.raises(TypeError, match="InfoMax-GAN discriminator"):
        netG.train_step(real_batch(4), tiny("sngan")[1], optG, MetricLog())


def test_infomax_infonce_is_computed_in_float32_outside_autocast(monkeypatch):
    import torch_gan_zoo.nets.infomax_gan.base as infomax_base

    calls = []

    def spy(local_features, global_features):
        calls.append((local_features.dtype, torch.is_autocast_enabled("cpu")))
        return infonce_loss(local_features, global_features)

    monkeypatch.setattr(infomax_base, "infonce_loss", spy)
    netG, netD = tiny("infomax_gan")
    optG, optD = adam_pair(netG, netD)
    log = netD.train_step(real_batch(4), netG, optD, MetricLog(), amp_dtype=torch.bfloat16)
    netG.train_step(real_batch(4), netD, optG, log, amp_dtype=torch.bfloat16)
    assert calls == [(torch.bfloat16, False)] * 2  # features from the autocast forward, loss outside it
    assert log.values("errD_IM")[0].dtype == log.values("errG_IM")[0].dtype == torch.float32


# ---------------------------------------------------------------------------------------------- SAGAN
def reference_attention(module, x):
    """SAGAN's attention written out position by position."""
    n, c, h, w = x.shape
    theta = module.theta(x).flatten(2)
    phi = F.max_pool2d(module.phi(x), 2).flatten(2)
    g = F.max_pool2d(module.g(x), 2).flatten(2)
    out = torch.zeros(n, c // 2, h * w)
    for b in range(n):
        for q in range(h * w):
            weights = torch.softmax(torch.stack([theta[b, :, q] @ phi[b, :, k] for k in range(phi.shape[2])]), 0)
            out[b, :, q] = sum(weights[k] * g[b, :, k] for k in range(phi.shape[2]))
    return x + module.gamma * module.o(out.view(n, c // 2, h, w))


def test_self_attention_matches_its_formula_and_starts_as_the_identity():
    torch.manual_seed(0)
    module = SelfAttention(16, spectral_norm=False)
    x = torch.randn(2, 16, 4, 4)
    assert torch.equal(module(x), x)  # gamma = 0 at initialisation
    with torch.no_grad():
        module.gamma.fill_(0.7)
    assert torch.allclose(module(x), reference_attention(module, x), atol=1e-5)
    attention = module.attention_map(x)
    assert attention.shape == (2, 16, 4) and torch.allclose(attention.sum(-1), torch.ones(2, 16))
    with pytest.raises(ValueError, match="at least 8 channels"):
        SelfAttention(4)
    with pytest.raises(ValueError, match="even H and W"):
        module(torch.randn(1, 16, 3, 3))
    assert parametrize.is_parametrized(SelfAttention(8).theta)


@pytest.mark.parametrize("resolution,g_channels,g_size,d_channels,d_size",
                         [(32, 16, 16, 16, 8), (48, 16, 24, 8, 12), (64, 8, 32, 8, 16), (128, 16, 32, 8, 32)])
def test_sagan_places_attention_mid_network_with_spectral_norm_everywhere(resolution, g_channels, g_size,
                                                                          d_channels, d_size):
    netG, netD = tiny("sagan", resolution)
    seen = {}
    hooks = [m.attention.register_forward_hook(lambda mod, i, o, key=key: seen.__setitem__(key, tuple(o.shape)))
             for key, m in (("G", netG.backbone), ("D", netD.backbone))]
    with torch.no_grad():
        netD(netG(torch.randn(2, 128)))
    for hook in hooks:
        hook.remove()
    assert seen == {"G": (2, g_channels, g_size, g_size), "D": (2, d_channels, d_size, d_size)}
    layers = [m for net in (netG, netD) for m in net.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    assert layers and all(parametrize.is_parametrized(m, "weight") for m in layers)


def test_sagan_attention_gates_learn_and_positions_are_validated():
    netG, netD = tiny("sagan")
    optG, optD = adam_pair(netG, netD, lr=1e-2)
    log = netD.train_step(real_batch(4), netG, optD, MetricLog())
    netG.train_step(real_batch(4), netD, optG, log)
    assert netD.backbone.attention.gamma.item() != 0 and netG.backbone.attention.gamma.item() != 0
    assert tiny("sagan", g_kwargs={"attention_after": 1})[0].backbone.attention.channels == 16
    with pytest.raises(ValueError, match="attention_after"):
        tiny("sagan", d_kwargs={"attention_after": 4})
    with pytest.raises(ValueError, match="attention_after"):
        ResNetGeneratorBackbone(8, [16, 16], 4, attention_after=2)
    with pytest.raises(ValueError, match="pooling"):
        ResNetDiscriminatorBackbone(3, [16, 16], [True, False], pooling="max")


# ---------------------------------------------------------------------------------------------- presets
@pytest.mark.parametrize("name", VARIANTS)
def test_preset_trains_and_round_trips_through_hparams_json(name, tmp_path):
    preset = get_preset(name)
    assert json.loads(json.dumps(preset)) == preset and preset["paper"]
    model_kwargs = {"ngf": 16, "ndf": 16}
    if name == "infomax_gan":
        model_kwargs["nrkhs"] = 8
    config = build_config(name, dataset="shapes", resolution=32, num_steps=1, batch_size=4, seed=0,
                          log_dir=str(tmp_path), model_kwargs=model_kwargs, dataset_kwargs={"num_images": 8},
                          trainer_kwargs={"progress": False})
    result = run_config(config)
    assert all(torch.isfinite(torch.tensor(v)) for v in result["metrics"].values())
    saved = json.loads((tmp_path / "hparams.json").read_text())
    for role in ("optG", "optD"):
        group = saved[role]["param_groups"][0]
        assert group["lr"] == preset[role]["lr"] and group["betas"] == preset[role]["betas"]
        assert saved[role]["class"].endswith(preset[role]["name"].capitalize())
    assert saved["n_dis"] == preset["n_dis"] and saved["lr_decay"] == preset["lr_decay"]
    assert saved["netG"]["loss_type"] == saved["netD"]["loss_type"] == preset["loss_type"]
    assert saved["netG"]["class"].split(".")[2] == name and saved["extra"]["model"] == name
    assert saved["batch_size"] == 4


@pytest.mark.parametrize("name", VARIANTS)
def test_checkpoints_rebuild_each_variant(name, tmp_path):
    netG, netD = tiny(name)
    netG.eval()
    netD.eval()
    x = real_batch(2)[0]
    for net, probe in ((netG, torch.randn(2, 128)), (netD, x)):
        restored = BaseModel.from_checkpoint(net.save_checkpoint(str(tmp_path / type(net).__name__), 0))
        with torch.no_grad():
            assert torch.allclose(restored(probe), net(probe), atol=1e-6)
        assert restored.hparams() == net.hparams()


def test_ssgan_discriminator_is_an_sngan_discriminator_plus_a_head():
    _, netD = tiny("ssgan")
    assert isinstance(netD, SSGANBaseDiscriminator) and isinstance(netD, nets.sngan.SNGANBaseDiscriminator)
    sngan_keys = set(tiny("sngan")[1].state_dict())
    assert sngan_keys < set(netD.state_dict())
    assert {k.split(".")[0] for k in set(netD.state_dict()) - sngan_keys} == {"l_rotation"}


def test_cli_trains_a_variant_with_its_preset_and_techniques(tmp_path):
    from torch_gan_zoo import cli

    log_dir = tmp_path / "run"
    argv = ["train", "--model", "wgan_gp", "--resolution", "32", "--dataset", "shapes", "--steps", "1",
            "--batch-size", "4", "--log-dir", str(log_dir), "--set", "model_kwargs.ngf=16",
            "--set", "model_kwargs.ndf=16", "--set", "dataset_kwargs.num_images=8",
            "--set", "trainer_kwargs.progress=false", "--set", "augment=color,translation",
            "--set", 'regularizers=[{"name": "lecam", "weight": 0.1}]']
    assert cli.main(argv) == 0
    saved = json.loads((log_dir / "hparams.json").read_text())
    assert saved["n_dis"] == 5 and saved["netD"]["kwargs"]["gp_weight"] == 10.0
    assert [r["name"] for r in saved["netD"]["regularizers"]] == ["gradient_penalty", "lecam"]
    assert saved["netD"]["augment"]["policy"] == "color,translation"
