"""cDCGAN: the class-conditional DCGAN (input-concatenation generator, projection discriminator on the DCGAN
trunk), its registration, preset and benchmark recipe, training through run_config and the CLI, and the zoo."""
import gzip
import math
import struct

import numpy as np
import pytest
import torch
import torch.nn as nn

from torch_gan_zoo import cli, nets, zoo
from torch_gan_zoo.config.presets import get_preset
from torch_gan_zoo.nets.cdcgan import CDCGANDiscriminator, CDCGANGenerator
from torch_gan_zoo.modules import UpsampleConvBlock
from torch_gan_zoo.nets.dcgan import STACKS, dcgan_discriminator_trunk
from torch_gan_zoo.training import MetricLog
from torch_gan_zoo.training.recipe import build_config, run_config
from helpers.benchmarks import load_benchmark
from helpers.training import state_equal

RESOLUTIONS = (28, 32, 48, 64)


def make(resolution=28, seed=0, num_classes=4, **kwargs):
    torch.manual_seed(seed)
    return nets.create_model("cdcgan", resolution, num_classes=num_classes, **{"ngf": 16, "ndf": 16, **kwargs})


def noise(netG, n=4, seed=1):
    return torch.randn(n, netG.nz, generator=torch.Generator().manual_seed(seed))


# ------------------------------------------------------------------------------------------ registry, preset
def test_registered_at_every_dcgan_resolution_with_its_papers_and_dcgan_optimisation():
    assert nets.list_models("cdcgan") == [("cdcgan", r) for r in RESOLUTIONS] and set(RESOLUTIONS) == set(STACKS)
    paper = nets.model_info("cdcgan", 28)["paper"]
    assert "Mirza & Osindero" in paper and "Miyato & Koyama" in paper
    preset, dcgan = get_preset("cdcgan"), get_preset("dcgan")
    assert "Mirza & Osindero" in preset["paper"] and "Miyato & Koyama" in preset["paper"]
    for key in ("loss_type", "optG", "optD", "n_dis", "batch_size"):
        assert preset[key] == dcgan[key], key
    netG, netD = nets.create_model("cdcgan", 28)  # table defaults: DCGAN's 28 px sizes, 10 classes, grayscale
    assert (netG.nz, netG.ngf, netG.nc, netG.num_classes, netG.emb_dim) == (62, 128, 1, 10, 16)
    assert (netD.ndf, netD.nc, netD.num_classes) == (128, 1, 10)
    assert isinstance(netG, nets.BaseConditionalGenerator) and isinstance(netD, nets.BaseConditionalDiscriminator)


def test_benchmark_recipe_builds_a_ten_class_fashion_mnist_config():
    module = load_benchmark("fashion_mnist")
    recipe = dict(module.MODELS["cdcgan_64"])
    # a fixed step budget, no wall-clock limit: the zoo's command reproduces the weights on any machine
    assert recipe.pop("time_limit") is None and recipe["model_kwargs"] == {"ngf": 64, "ndf": 64}
    config = build_config(recipe.pop("model"), config=recipe)
    assert config["model"] == "cdcgan" and config["resolution"] == 28 and config["num_steps"] == 12000
    assert config["lr_decay"] == "linear" and config["lr_decay_start"] == 6000 and config["loss_type"] == "ns"


# --------------------------------------------------------------------------------------------- the networks
@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_shapes_range_and_trunk_at_every_resolution(resolution):
    netG, netD = make(resolution)
    nc = 1 if resolution == 28 else 3
    netG.eval()
    y = torch.tensor([0, 1, 2, 3])
    images = netG(noise(netG), y)
    assert images.shape == (4, nc, resolution, resolution) and images.min() >= -1 and images.max() <= 1
    features = netD.features(images)
    assert features.dim() == 2 and features.shape[0] == 4 and features.shape[1] == netD.head.linear.in_features
    assert netD(images, y).shape == (4, 1) and netD.discriminate(images, y).shape == (4, 1)
    assert not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in netD.modules())
    assert netG.resolution == netD.resolution == resolution and netG.model_name == "cdcgan"


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_dcgan_discriminator_is_the_shared_trunk_then_a_linear_head(resolution):
    torch.manual_seed(0)
    netD = nets.create_model("dcgan", resolution, ngf=16, ndf=16).netD
    trunk_layers, head_layers, features = STACKS[resolution][1](16, netD.nc, resolution)
    k = len(trunk_layers)
    assert len(netD.main) == k + len(head_layers)
    x = torch.rand(3, netD.nc, resolution, resolution) * 2 - 1
    hidden = netD.main[:k](x)
    assert hidden.flatten(1).shape == (3, features) and torch.equal(netD.main[k:](hidden), netD(x))
    output_layer = netD.main[k]  # a linear map of the flattened features (the 64 px conv covers the 4x4 map)
    linear = hidden.flatten(1) @ output_layer.weight.reshape(1, -1).T + output_layer.bias
    assert torch.allclose(linear, netD(x), atol=1e-5)
    trunk, trunk_features = dcgan_discriminator_trunk(16, netD.nc, resolution)
    assert trunk_features == features and trunk(x).shape == (3, features)


def test_the_label_changes_the_image():
    netG, _ = make()
    netG.eval()
    z = noise(netG, 1).repeat(4, 1)  # one noise vector, four classes
    images = netG(z, torch.tensor([0, 1, 2, 3]))
    scale = images.abs().max()  # small at DCGAN's N(0, 0.02) initialisation
    assert scale > 0
    for a in range(4):
        for b in range(a + 1, 4):
            assert (images[a] - images[b]).abs().max() > 0.01 * scale
    assert torch.equal(netG(z, torch.tensor([2, 2, 2, 2])), images[2:3].expand(4, -1, -1, -1))


def test_the_projection_term_depends_on_the_label():
    _, netD = make()
    x = (torch.rand(1, 1, 28, 28) * 2 - 1).repeat(4, 1, 1, 1)
    y = torch.tensor([0, 1, 2, 3])
    logits = netD(x, y)
    assert logits.shape == (4, 1) and logits.unique().numel() == 4
    phi = netD.features(x)
    projection = (netD.head.embed(y) * phi).sum(dim=1, keepdim=True)
    assert torch.allclose(logits - netD.head.linear(phi), projection, atol=1e-6)
    assert projection.abs().max() > 0
    with torch.no_grad():
        netD.head.embed.weight.zero_()  # without the projection, every class scores the same
    assert netD(x, y).unique().numel() == 1


@pytest.mark.parametrize("bad,match", [
    (torch.tensor([0, 1, 2, 4]), r"lie in \[0, 4\), got range \[0, 4\]"),
    (torch.tensor([-1, 1, 2, 3]), r"lie in \[0, 4\)"),
    (torch.tensor([0, 1, 2]), r"shape \(3,\) for 4 inputs"),
    (torch.tensor([[0, 1, 2, 3]]), r"shape \(1, 4\) for 4 inputs"),
    (torch.tensor([0.0, 1.0, 2.0, 3.0]), "integer tensor"),
    ([0, 1, 2, 3], "integer tensor"),
])
def test_bad_labels_get_a_clear_error(bad, match):
    netG, netD = make()
    with pytest.raises(ValueError, match=match):
        netG(noise(netG), bad)
    with pytest.raises(ValueError, match=match):
        netD(torch.zeros(4, 1, 28, 28), bad)


def test_bad_requests_get_a_clear_error():
    netG, _ = make()
    with pytest.raises(ValueError, match=r"lie in \[0, 4\)"):
        netG.generate_images(2, c=4)
    with pytest.raises(ValueError, match="3 class labels for 2 images"):
        netG.generate_images(2, c=[0, 1, 2])
    with pytest.raises(ValueError, match=r"noise of shape \(N, 62\)"):
        netG(torch.zeros(2, 61), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="emb_dim must be a positive int"):
        CDCGANGenerator(emb_dim=0, resolution=28)
    with pytest.raises(ValueError, match="num_classes must be a positive int"):
        CDCGANDiscriminator(num_classes=0, resolution=28)
    with pytest.raises(ValueError, match="no 40px version"):
        nets.create_model("cdcgan", 40)


def test_generate_images_of_a_class():
    netG, _ = make()
    netG.eval()
    torch.manual_seed(3)
    images, labels = netG.generate_images_with_labels(5, c=2)
    torch.manual_seed(3)
    assert torch.equal(labels, torch.full((5,), 2)) and torch.equal(images, netG(netG.sample_latent(5), labels))


# ------------------------------------------------------------------------------------------------- training
def _batch(n=4, num_classes=4, seed=2):
    rng = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, 28, 28, generator=rng) * 2 - 1, torch.randint(0, num_classes, (n,), generator=rng)


def _params(net):
    return {k: v.detach().clone() for k, v in net.named_parameters()}


def test_train_steps_change_only_their_own_network_and_the_class_embeddings_learn():
    netG, netD = make()
    optG, optD = (torch.optim.Adam(n.parameters(), 1e-2, betas=(0.5, 0.999)) for n in (netG, netD))
    g0, d0 = _params(netG), _params(netD)
    log = MetricLog()
    netD.train_step(_batch(), netG, optD, log)
    assert all(torch.equal(g0[k], v) for k, v in netG.named_parameters())
    d1 = _params(netD)
    assert not torch.equal(d0["head.embed.weight"], d1["head.embed.weight"])  # the projection is trained
    netG.train_step(_batch(), netD, optG, log)
    assert all(torch.equal(d1[k], v) for k, v in netD.named_parameters())
    assert not torch.equal(g0["embed.weight"], netG.embed.weight)
    assert set(log.means()) == {"errD", "D(x)", "D(G(z))", "errG"}
    assert all(math.isfinite(v) for v in log.means().values())


def test_train_steps_under_bf16_autocast():
    netG, netD = make()
    optG, optD = torch.optim.Adam(netG.parameters(), 1e-3), torch.optim.Adam(netD.parameters(), 1e-3)
    log = MetricLog()
    netD.train_step(_batch(), netG, optD, log, amp_dtype=torch.bfloat16)
    netG.train_step(_batch(), netD, optG, log, amp_dtype=torch.bfloat16)
    assert all(math.isfinite(v) for v in log.means().values())


def test_checkpoints_rebuild_both_networks(tmp_path):
    netG, netD = make()
    images, labels = _batch()
    netD.train_step((images, labels), netG, torch.optim.Adam(netD.parameters()), MetricLog())
    for net, tag in ((netG, "g"), (netD, "d")):
        rebuilt = nets.BaseModel.from_checkpoint(net.save_checkpoint(str(tmp_path / tag), 3))
        assert type(rebuilt) is type(net) and rebuilt.num_classes == 4
        net.eval()
        rebuilt.eval()
        x = noise(net) if tag == "g" else images
        assert torch.equal(rebuilt(x, labels), net(x, labels))


def _train(log_dir, dataset="shapes", data_root=None, steps=3):
    config = build_config("cdcgan", dataset=dataset, data_root=data_root, resolution=28, num_steps=steps,
                          batch_size=4, seed=0, log_dir=str(log_dir), device="cpu",
                          model_kwargs={"ngf": 8, "ndf": 8},
                          dataset_kwargs={"num_images": 16} if dataset == "shapes" else {},
                          trainer_kwargs={"progress": False, "vis_steps": 100, "log_steps": 1})
    return run_config(config)


def test_a_few_steps_train_deterministically_with_the_datasets_classes(tmp_path):
    first, second = _train(tmp_path / "a"), _train(tmp_path / "b")
    netG, netD = first["trainer"].netG, first["trainer"].netD
    assert first["global_step"] == 3 and netG.num_classes == netD.num_classes == 5  # shapes has 5 classes
    assert netG.nc == 3  # shapes is RGB, brought to 28 px
    initial = make(28, num_classes=5, ngf=8, ndf=8, nc=3)[0].state_dict()
    assert not state_equal(initial, netG.state_dict())  # it trained
    for a, b in ((netG, second["trainer"].netG), (netD, second["trainer"].netD)):
        assert state_equal(a.state_dict(), b.state_dict())
        assert all(torch.isfinite(v).all() for v in a.state_dict().values() if v.is_floating_point())
    assert "errG" in first["metrics"] and all(math.isfinite(v) for v in first["metrics"].values())
    resumed = _train(tmp_path / "a", steps=4)  # the same run resumes from its checkpoint and extends
    assert resumed["global_step"] == 4


def _write_idx(path, array):
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def _fake_fashion_mnist(folder, n=12):
    rng = np.random.default_rng(1)
    for split in ("train", "t10k"):
        _write_idx(folder / f"{split}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)))
        _write_idx(folder / f"{split}-labels-idx1-ubyte.gz", np.arange(n) % 10)


def test_cli_trains_on_fashion_mnist_and_samples_a_class(tmp_path, capsys):
    data = tmp_path / "fashion-mnist"
    data.mkdir()
    _fake_fashion_mnist(data)
    log_dir = tmp_path / "run"
    assert cli.main(["train", "--model", "cdcgan", "--dataset", "fashion_mnist", "--data-root", str(data),
                     "--resolution", "28", "--steps", "2", "--batch-size", "4", "--seed", "0",
                     "--log-dir", str(log_dir), "--set", "model_kwargs.ngf=8", "--set", "model_kwargs.ndf=8"]) == 0
    checkpoint = log_dir / "checkpoints" / "netG" / "netG_2_steps.pth"
    out = tmp_path / "class3.png"
    assert cli.main(["sample", "--checkpoint", str(checkpoint), "--out", str(out), "--num", "4", "--class", "3"]) == 0
    assert out.exists()
    assert cli.main(["sample", "--checkpoint", str(checkpoint), "--out", str(out), "--class", "10"]) == 2
    assert "lie in [0, 10)" in capsys.readouterr().err


def test_zoo_round_trip_keeps_outputs_and_classes(tmp_path):
    netG, _ = make(num_classes=10, ngf=8, ndf=8)
    folder = zoo.save_pretrained(netG, tmp_path / "cdcgan", samples=False)
    loaded = zoo.load(folder)
    assert type(loaded) is type(netG) and loaded.num_classes == 10 and loaded.emb_dim == netG.emb_dim
    z, y = noise(netG, 6), torch.tensor([0, 3, 9, 9, 1, 5])
    with torch.no_grad():
        assert torch.equal(loaded.eval()(z, y), netG.eval()(z, y))
        torch.manual_seed(4)
        images = loaded.generate_images(3, c=7)
        torch.manual_seed(4)
        assert torch.equal(images, netG(netG.sample_latent(3), torch.full((3,), 7)))


@pytest.mark.parametrize("resolution", [28, 32])
def test_upsample_generator_uses_resize_convolutions_and_is_rebuilt_from_its_hparams(resolution):
    torch.manual_seed(0)
    netG = CDCGANGenerator(nz=8, ngf=32, nc=3, num_classes=5, resolution=resolution, upsample=True)
    images = netG(torch.randn(5, 8), torch.arange(5))
    assert images.shape == (5, 3, resolution, resolution) and images.abs().max() <= 1
    kinds = {type(m) for m in netG.modules()}
    assert torch.nn.ConvTranspose2d not in kinds and UpsampleConvBlock in kinds
    assert netG.hparams()["kwargs"]["upsample"] is True
    rebuilt = CDCGANGenerator(**netG.hparams()["kwargs"])
    assert [p.shape for p in rebuilt.parameters()] == [p.shape for p in netG.parameters()]
    default = CDCGANGenerator(nz=8, ngf=32, nc=3, resolution=resolution)
    assert torch.nn.ConvTranspose2d in {type(m) for m in default.modules()} and default.upsample is False
    with pytest.raises(TypeError, match="upsample must be True or False, not 1"):
        CDCGANGenerator(resolution=resolution, upsample=1)
    wide = CDCGANGenerator(nz=8, ngf=32, nc=3, num_classes=5, resolution=resolution, upsample=True, conv_width=2)
    assert wide(torch.randn(5, 8), torch.arange(5)).shape == images.shape
    widths = [[m.out_channels for m in net.modules() if isinstance(m, torch.nn.Conv2d)] for net in (netG, wide)]
    assert widths[1] == [2 * c for c in widths[0][:-1]] + [3]
    assert CDCGANGenerator(**wide.hparams()["kwargs"]).conv_width == 2
    with pytest.raises(ValueError, match="conv_width must be a positive int"):
        CDCGANGenerator(resolution=resolution, conv_width=0)


@pytest.mark.parametrize("resolution", [28, 32, 64])
@pytest.mark.parametrize("upsample", [True, False])
def test_coord_conv_generator_gets_coordinates_before_every_convolution_and_round_trips(resolution, upsample):
    from torch_gan_zoo.modules import AddCoords
    from torch_gan_zoo.nets.dcgan import DCGANGenerator

    torch.manual_seed(0)
    netG = CDCGANGenerator(nz=8, ngf=32, nc=3, num_classes=5, resolution=resolution, upsample=upsample,
                           coord_conv=True)
    images = netG(torch.randn(5, 8), torch.arange(5))
    assert images.shape == (5, 3, resolution, resolution) and images.abs().max() <= 1
    convs = [m for m in netG.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))]
    assert sum(isinstance(m, AddCoords) for m in netG.modules()) == len(convs)
    plain = CDCGANGenerator(nz=8, ngf=32, nc=3, num_classes=5, resolution=resolution, upsample=upsample)
    assert [m.in_channels for m in convs] == [m.in_channels + 2 for m in plain.modules()
                                              if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))]
    assert netG.hparams()["kwargs"]["coord_conv"] is True and plain.coord_conv is False
    rebuilt = CDCGANGenerator(**netG.hparams()["kwargs"])
    rebuilt.load_state_dict(netG.state_dict())
    with torch.no_grad():
        z, y = torch.randn(3, 8), torch.tensor([0, 2, 4])
        assert torch.equal(rebuilt.eval()(z, y), netG.eval()(z, y))
    unconditional = DCGANGenerator(nz=8, ngf=32, nc=3, resolution=resolution, upsample=upsample, coord_conv=True)
    assert unconditional(torch.randn(2, 8)).shape == (2, 3, resolution, resolution)
    for cls in (CDCGANGenerator, DCGANGenerator):
        with pytest.raises(TypeError, match="coord_conv must be True or False, not 'false'"):
            cls(resolution=resolution, coord_conv="false")
