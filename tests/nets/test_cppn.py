"""CPPN GAN: the coordinate-MLP generator and the projection discriminator with an auxiliary classifier, their
registration and preset, the losses, training through run_config, checkpoints and the zoo."""
import math

import pytest
import torch
import torch.nn as nn

from torch_gan_zoo import nets, zoo
from torch_gan_zoo.config.presets import get_preset
from torch_gan_zoo.modules import ModulatedPixelMLP
from torch_gan_zoo.nets.cdcgan import CDCGANDiscriminator
from torch_gan_zoo.nets.cppn import CPPNDiscriminator, CPPNGenerator
from torch_gan_zoo.training import MetricLog
from torch_gan_zoo.training.ema import standing_stats
from torch_gan_zoo.training.recipe import build_config, run_config
from helpers.training import state_equal

RESOLUTIONS = (28, 32, 48, 64)


def make(resolution=28, seed=0, num_classes=4, **kwargs):
    torch.manual_seed(seed)
    return nets.create_model("cppn", resolution, num_classes=num_classes,
                             **{"hidden": 16, "style_dim": 32, "ndf": 16, **kwargs})


def noise(netG, n=4, seed=1):
    return torch.randn(n, netG.nz, generator=torch.Generator().manual_seed(seed))


def test_registered_with_its_papers_table_and_preset():
    assert nets.list_models("cppn") == [("cppn", r) for r in RESOLUTIONS]
    paper = nets.model_info("cppn", 28)["paper"]
    assert "Stanley" in paper and "Anokhin" in paper and "Odena" in paper
    preset = get_preset("cppn")
    assert preset["optG"]["lr"] == 4e-4 and preset["optD"]["lr"] == 8e-4 and preset["batch_size"] == 32
    assert preset["regularizers"] == [{"name": "mode_seeking", "weight": 1.0}]
    netG, netD = nets.create_model("cppn", 28)  # table defaults: 28 px grayscale, 10 classes
    assert (netG.nz, netG.nc, netG.num_classes, netG.emb_dim, netG.radial) == (64, 1, 10, 16, True)
    assert (netG.pixels.hidden, len(netG.pixels.weights)) == (64, 3)
    assert (netD.ndf, netD.nc, netD.num_classes, netD.cond_lambda, netD.aux_loss_on_fakes) == (128, 1, 10, 1.0, True)
    assert isinstance(netG, nets.AuxiliaryLossGenerator) and isinstance(netD, nets.AuxiliaryDiscriminator)
    assert isinstance(netG, CPPNGenerator) and isinstance(netD, CPPNDiscriminator)
    assert isinstance(netG.pixels, ModulatedPixelMLP)


@pytest.mark.parametrize("resolution", RESOLUTIONS)
def test_shapes_and_range_at_every_resolution(resolution):
    netG, netD = make(resolution)
    nc = 1 if resolution == 28 else 3
    y = torch.tensor([0, 1, 2, 3])
    images = netG(noise(netG), y)
    assert images.shape == (4, nc, resolution, resolution) and images.min() >= -1 and images.max() <= 1
    assert netD(images, y).shape == (4, 1)
    logits, classes = netD(images, y, return_aux=True)
    assert classes.shape == (4, 4) and torch.equal(logits, netD(images, y))
    assert not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in [*netG.modules(), *netD.modules()])
    assert netG.resolution == netD.resolution == resolution and netG.model_name == "cppn"


def test_the_discriminator_is_the_cdcgan_one_plus_a_classifier():
    torch.manual_seed(0)
    cdcgan = CDCGANDiscriminator(ndf=16, num_classes=4, nc=3, resolution=28)
    torch.manual_seed(0)
    netD = CPPNDiscriminator(ndf=16, num_classes=4, nc=3, resolution=28)
    assert state_equal(cdcgan.state_dict(), {k: v for k, v in netD.state_dict().items() if "classifier" not in k})
    x, y = torch.rand(3, 3, 28, 28) * 2 - 1, torch.tensor([0, 2, 3])
    assert torch.equal(netD(x, y), cdcgan(x, y))
    _, classes = netD(x, y, return_aux=True)
    assert torch.allclose(classes, netD.classifier(netD.trunk(x)))
    expected = nn.functional.cross_entropy(classes, y)
    assert torch.allclose(netD.compute_aux_loss(classes, y), expected)


def test_the_label_and_the_noise_change_the_image():
    netG, _ = make()
    z = noise(netG, 1).repeat(4, 1)
    images = netG(z, torch.tensor([0, 1, 2, 3]))
    for a in range(4):
        for b in range(a + 1, 4):
            assert (images[a] - images[b]).abs().max() > 1e-3
    assert (netG(noise(netG, 2, seed=5), torch.tensor([1, 1])).diff(dim=0).abs().max()) > 1e-3


def test_the_coordinates_are_rebuilt_not_saved_and_radial_is_optional():
    netG, _ = make(radial=False)
    assert "coords" not in netG.state_dict() and netG.coords.shape == (28 * 28, 2)
    assert make()[0].coords.shape == (28 * 28, 3)


@pytest.mark.parametrize("kwargs,match", [
    ({"radial": 1}, "radial"),
    ({"hidden": 0}, "hidden"),
    ({"style_dim": 0}, "style_dim"),
    ({"gain": -1.0}, "gain must be > 0"),
])
def test_bad_generator_arguments_get_a_clear_error(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make(**kwargs)


def test_bad_inputs_get_a_clear_error():
    netG, netD = make()
    with pytest.raises(ValueError, match=r"noise of shape \(N, 64\), got \(4, 3\)"):
        netG(torch.zeros(4, 3), torch.tensor([0, 1, 2, 3]))
    with pytest.raises(ValueError, match=r"lie in \[0, 4\)"):
        netG(noise(netG), torch.tensor([0, 1, 2, 4]))
    with pytest.raises(ValueError, match=r"lie in \[0, 4\)"):
        netD(torch.zeros(4, 1, 28, 28), torch.tensor([0, 1, 2, 4]))
    with pytest.raises(TypeError, match="aux_loss_on_fakes must be True or False"):
        CPPNDiscriminator(ndf=16, num_classes=4, resolution=28, aux_loss_on_fakes="yes")


def _batch(n=4, num_classes=4):
    torch.manual_seed(3)
    return torch.rand(n, 1, 28, 28) * 2 - 1, torch.arange(n) % num_classes


def test_both_steps_add_the_classifier_loss():
    netG, netD = make()
    images, labels = _batch()
    log = MetricLog()
    netD.train_step((images, labels), netG, torch.optim.Adam(netD.parameters()), log)
    assert {"errD", "errD_cond"} <= set(log.names()) and all(math.isfinite(log[n]) for n in log.names())
    before = {k: v.clone() for k, v in netG.state_dict().items()}
    netG.train_step((images, labels), netD, torch.optim.Adam(netG.parameters()), log)
    assert {"errG", "errG_cond"} <= set(log.names())
    assert not state_equal(before, netG.state_dict())  # the generator learned


def test_checkpoints_and_zoo_rebuild_the_generator(tmp_path):
    netG, netD = make(num_classes=5, nc=3)
    x, y = noise(netG), torch.tensor([0, 1, 4, 2])
    for net, tag in ((netG, "g"), (netD, "d")):
        rebuilt = nets.BaseModel.from_checkpoint(net.save_checkpoint(str(tmp_path / tag), 3))
        assert type(rebuilt) is type(net) and rebuilt.num_classes == 5
        inputs = x if tag == "g" else netG(x, y).detach()
        assert torch.equal(rebuilt(inputs, y), net(inputs, y))
    folder = zoo.save_pretrained(netG, tmp_path / "cppn", samples=False)
    loaded = zoo.load(folder)
    assert type(loaded) is type(netG) and loaded.hparams() == netG.hparams()
    with torch.no_grad():
        assert torch.equal(loaded(x, y), netG.eval()(x, y))
    assert standing_stats(loaded) is loaded and not loaded.training  # nothing to re-estimate: no batch norm


def _train(log_dir, steps=3):
    config = build_config("cppn", dataset="shapes", resolution=28, num_steps=steps, batch_size=4, seed=0,
                          log_dir=str(log_dir), device="cpu", model_kwargs={"hidden": 8, "style_dim": 16, "ndf": 8},
                          dataset_kwargs={"num_images": 16},
                          trainer_kwargs={"progress": False, "vis_steps": 100, "log_steps": 1, "ema_decay": 0.9})
    return run_config(config)


def test_a_few_steps_train_deterministically_and_resume(tmp_path):
    first, second = _train(tmp_path / "a"), _train(tmp_path / "b")
    netG, netD = first["trainer"].netG, first["trainer"].netD
    assert first["global_step"] == 3 and netG.num_classes == netD.num_classes == 5 and netG.nc == 3
    for a, b in ((netG, second["trainer"].netG), (netD, second["trainer"].netD)):
        assert state_equal(a.state_dict(), b.state_dict())
        assert all(torch.isfinite(v).all() for v in a.state_dict().values() if v.is_floating_point())
    assert {"errG_cond", "errD_cond", "mode_seeking"} <= set(first["metrics"])
    assert _train(tmp_path / "a", steps=4)["global_step"] == 4


def test_a_resolution_without_a_table_row_gets_a_clear_error():
    with pytest.raises(ValueError, match=r"'cppn' has no 40px version; available: \[28, 32, 48, 64\]"):
        nets.create_model("cppn", 40)
    with pytest.raises(ValueError, match="no table default"):
        CPPNGenerator(resolution=40)
    netG = CPPNGenerator(nz=8, num_classes=3, emb_dim=4, style_dim=8, hidden=8, num_layers=1, nc=3, resolution=20)
    assert netG(torch.randn(2, 8), torch.tensor([0, 2])).shape == (2, 3, 20, 20)  # explicit sizes: any size


def test_nan_noise_gives_nan_images_not_an_exception():  # the Trainer's NaN guard reports it, naming the step
    netG, _ = make()
    z = noise(netG)
    z[1] = float("nan")
    images = netG(z, torch.tensor([0, 1, 2, 3]))
    assert torch.isnan(images[1]).all() and torch.isfinite(images[[0, 2, 3]]).all()
