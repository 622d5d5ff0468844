import os
import sys

import pytest
import torch
import torch.nn as nn
from helpers.training import adam_pair
from helpers.values import assert_refuses_bad_ints

from torch_gan_zoo import nets
from torch_gan_zoo.nets import BaseConditionalDiscriminator, BaseConditionalGenerator, BaseModel
from torch_gan_zoo.nets.cgan import class_labels
from torch_gan_zoo.nets.gan import split_batch
from torch_gan_zoo.training import MetricLog
from torch_gan_zoo.utils import CheckpointError

FOUNDATION_MODELS = [("dcgan", 28), ("dcgan", 32), ("dcgan", 48), ("dcgan", 64),
                     ("sngan", 32), ("sngan", 48), ("sngan", 64), ("sngan", 128)]


def test_registry_lists_foundation_models():
    listed = nets.list_models()
    for key in FOUNDATION_MODELS:
        assert key in listed
    assert nets.list_models("sngan") == [k for k in listed if k[0] == "sngan"]
    info = nets.model_info("sngan_32")
    assert info["generator"].endswith("SNGANGenerator32") and "Miyato" in info["paper"]
    assert info["generator_defaults"]["ngf"] == 256 and info["discriminator_defaults"]["ndf"] == 128


@pytest.mark.parametrize("name,resolution", FOUNDATION_MODELS)
def test_each_model_maps_noise_to_images_and_images_to_logits(name, resolution):
    torch.manual_seed(0)
    widths = dict(ngf=32, ndf=32)
    netG, netD = nets.create_model(name, resolution, **widths)
    netG.eval()
    images = netG.generate_images(3)
    nc = 1 if resolution == 28 else 3
    assert images.shape == (3, nc, resolution, resolution)
    assert images.min() >= -1 and images.max() <= 1
    assert netD(images).shape == (3, 1)
    assert netG.resolution == resolution and netG.model_name == name


def test_default_sizes_match_mimicry_sngan_32():
    netG, netD = nets.create_model("sngan", 32)
    total_g, trainable_g = netG.count_params()
    assert total_g == trainable_g
    assert 4.2e6 < total_g < 4.4e6  # Mimicry: 4.3M
    assert 1.0e6 < netD.count_params()[0] < 1.1e6  # Mimicry: 1.1M (1,053,825 here)


def test_create_model_routes_kwargs_and_reports_errors():
    netG, netD = nets.create_model("sngan_32", nz=64, ngf=16, ndf=8, loss_type="ns", g_kwargs={"bottom_width": 4})
    assert netG.nz == 64 and netG.ngf == 16 and netD.ndf == 8
    assert netG.loss_type == netD.loss_type == "ns"
    with pytest.raises(TypeError, match="unexpected argument"):
        nets.create_model("sngan", 32, nonsense=1)
    with pytest.raises(ValueError, match="unknown model 'nope'"):
        nets.create_model("nope", 32)
    with pytest.raises(ValueError, match="no 40px version"):
        nets.create_model("sngan", 40)
    with pytest.raises(ValueError, match="needs a resolution"):
        nets.create_model("sngan")
    with pytest.raises(ValueError, match="unknown loss_type"):
        nets.create_model("sngan", 32, loss_type="bogus")


def test_registering_twice_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        nets.register_generator("sngan", 32)(type("Other", (nets.sngan.SNGANBaseGenerator,), {}))


def test_hparams_record_constructor_arguments(tiny_pair):
    netG, netD = tiny_pair("sngan", 32, nz=32)
    config = netG.hparams()
    assert config["class"] == "torch_gan_zoo.nets.sngan.sngan_32.SNGANGenerator32"
    assert config["kwargs"] == {"nz": 32, "ngf": 16, "bottom_width": 4, "nc": 3, "loss_type": "hinge"}
    assert netD.hparams()["kwargs"]["ndf"] == 16


def test_checkpoint_round_trip_with_optimizer(tiny_pair, tmp_path):
    netG, netD = tiny_pair("sngan", 32)
    optG, optD = adam_pair(netG, netD)
    x = torch.rand(4, 3, 32, 32) * 2 - 1
    netD.train_step((x, torch.zeros(4, dtype=torch.long)), netG, optD, MetricLog())
    path = netD.save_checkpoint(str(tmp_path / "netD"), 7, optD)
    assert os.path.basename(path) == "netD_7_steps.pth"
    _, fresh = tiny_pair("sngan", 32, seed=1)
    fresh_opt = torch.optim.Adam(fresh.parameters(), 2e-4, betas=(0.0, 0.9))
    assert fresh.restore_checkpoint(path, fresh_opt) == 7
    for (k, a), b in zip(netD.state_dict().items(), fresh.state_dict().values()):
        assert torch.equal(a, b), k
    assert fresh_opt.state_dict()["state"].keys() == optD.state_dict()["state"].keys()
    rebuilt = BaseModel.from_checkpoint(path)
    assert type(rebuilt) is type(netD) and not rebuilt.training
    assert torch.equal(rebuilt(x), netD.eval()(x))


def test_restore_rejects_wrong_class_shapes_and_missing_optimizer(tiny_pair, tmp_path):
    netG, netD = tiny_pair("sngan", 32)
    g_path = netG.save_checkpoint(str(tmp_path / "g"), 1)
    with pytest.raises(CheckpointError, match="holds a .*SNGANGenerator32, not a .*SNGANDiscriminator32"):
        netD.restore_checkpoint(g_path)
    wider, _ = tiny_pair("sngan", 32, ngf=32)
    with pytest.raises(CheckpointError, match="shape mismatch"):
        wider.restore_checkpoint(g_path)
    with pytest.raises(CheckpointError, match="no optimizer state"):
        netG.restore_checkpoint(g_path, torch.optim.SGD(netG.parameters(), 0.1))
    other_opt = torch.optim.Adam([nn.Parameter(torch.zeros(1))])
    optG = torch.optim.Adam(netG.parameters())
    netG.generate_images(2).mean().backward()
    optG.step()
    path = netG.save_checkpoint(str(tmp_path / "g2"), 2, optG)
    with pytest.raises(CheckpointError, match="optimizer state does not fit"):
        netG.restore_checkpoint(path, other_opt)


def test_restore_names_missing_keys_and_rejects_non_checkpoints(tiny_pair, tmp_path):
    netG, _ = tiny_pair("dcgan", 32)
    state = {k: v for k, v in netG.state_dict().items() if not k.startswith("main.0")}
    torch.save({"model_state_dict": state, "global_step": 3}, tmp_path / "partial.pth")  # Mimicry-style file
    with pytest.raises(CheckpointError, match="main.0.weight"):
        netG.restore_checkpoint(str(tmp_path / "partial.pth"))
    torch.save({"weights": 1}, tmp_path / "other.pth")
    with pytest.raises(CheckpointError, match="not a model checkpoint"):
        netG.restore_checkpoint(str(tmp_path / "other.pth"))
    with pytest.raises(CheckpointError, match="no checkpoint file"):
        netG.restore_checkpoint("")
    with pytest.raises(CheckpointError, match="records no model class"):
        BaseModel.from_checkpoint(str(tmp_path / "partial.pth"))


def test_from_checkpoint_refuses_non_model_classes(tiny_pair, tmp_path):
    netG, _ = tiny_pair("dcgan", 32)
    path = netG.save_checkpoint(str(tmp_path), 1)
    ckpt = torch.load(path, weights_only=True)
    ckpt["model_config"]["class"] = "collections.OrderedDict"
    torch.save(ckpt, tmp_path / "forged.pth")
    with pytest.raises(CheckpointError, match="'collections.OrderedDict', which is not a registered"):
        BaseModel.from_checkpoint(str(tmp_path / "forged.pth"))
    ckpt["model_config"]["class"] = "no.such.module.Model"
    torch.save(ckpt, tmp_path / "forged2.pth")
    with pytest.raises(CheckpointError, match="not a registered"):
        BaseModel.from_checkpoint(str(tmp_path / "forged2.pth"))


def test_one_trust_rule_resolves_recorded_class_paths_without_importing(tmp_path, monkeypatch):
    from torch_gan_zoo.nets.registry import trusted_class

    old = nets.dcgan.DCGANGenerator28
    assert trusted_class("torch_gan_zoo.nets.dcgan.dcgan_28.DCGANGenerator28") is old  # an earlier release's path
    assert trusted_class("torch_gan_zoo.nets.dcgan.DCGANGenerator28") is old  # a re-export of a registered class
    assert trusted_class("torch_gan_zoo.nets.sngan.SNGANGenerator") is nets.sngan.SNGANGenerator  # the library's
    for refused in ("torch_gan_zoo.nets.basemodel.BaseModel", "torch_gan_zoo.nets.dcgan.torch",
                    "torch_gan_zoo.no_such_module.X", "collections.OrderedDict", "DCGANGenerator28"):
        assert trusted_class(refused) is None, refused
    marker = tmp_path / "ran"
    (tmp_path / "gan_helpers_trust_test.py").write_text(
        f"open({str(marker)!r}, 'w').close()\nfrom torch_gan_zoo.nets.sngan import SNGANGenerator as G\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert trusted_class("gan_helpers_trust_test.G") is None
    assert not marker.exists() and "gan_helpers_trust_test" not in sys.modules
    # an alias path resolves only through a module that is already loaded: none is imported for it
    monkeypatch.delitem(sys.modules, "torch_gan_zoo.nets.dcgan")
    assert trusted_class("torch_gan_zoo.nets.dcgan.DCGANGenerator28") is None
    assert "torch_gan_zoo.nets.dcgan" not in sys.modules


def test_the_resnet_discriminators_are_one_class_with_their_own_defaults():
    from torch_gan_zoo.nets.backbones import ResNetDiscriminator

    x = torch.randn(2, 3, 32, 32)
    for variant, options in ((nets.sngan.SNGANDiscriminator(ndf=16, resolution=32), {}),
                             (nets.sagan.SAGANDiscriminator(ndf=16, resolution=32), {"attention_after": 2}),
                             (nets.lsgan.LSGANDiscriminator(ndf=16, resolution=32),
                              {"spectral_norm": False, "pooling": "mean"}),
                             (nets.wgan_gp.WGANGPDiscriminator(ndf=16, gp_weight=0, resolution=32),
                              {"spectral_norm": False, "pooling": "mean"})):
        torch.manual_seed(0)
        variant = type(variant)(**variant.hparams()["kwargs"])
        torch.manual_seed(0)
        shared = ResNetDiscriminator(ndf=16, loss_type=variant.loss_type, resolution=32, **options)
        assert isinstance(variant, ResNetDiscriminator) and variant.state_dict().keys() == shared.state_dict().keys()
        for key, value in shared.state_dict().items():
            assert torch.equal(value, variant.state_dict()[key]), (type(variant).__name__, key)
        assert torch.equal(variant.eval()(x), shared.eval()(x))
    assert "ResNetDiscriminator" not in nets.model_info("sngan_32")["discriminator"]  # checkpoints name the variant


def test_trusted_classes_include_a_callers_own_classes_only_when_allowed():
    from torch_gan_zoo.nets.registry import trusted_class

    class OwnGenerator(nets.BaseGenerator):
        def forward(self, z):
            return z

    path = f"{OwnGenerator.__module__}.{OwnGenerator.__qualname__}"
    assert trusted_class(path) is None
    assert trusted_class(path, allowed_classes=[OwnGenerator]) is OwnGenerator
    with pytest.raises(TypeError, match="allowed_classes must hold BaseModel subclasses, got <class 'dict'>"):
        trusted_class(path, allowed_classes=[dict])


@pytest.mark.parametrize("name,resolution", [("dcgan", 28), ("dcgan", 32), ("sngan", 32)])
def test_train_steps_change_only_their_own_network(tiny_pair, name, resolution):
    netG, netD = tiny_pair(name, resolution)
    optG, optD = adam_pair(netG, netD, lr=1e-2)
    nc = netG.nc
    batch = (torch.rand(8, nc, resolution, resolution) * 2 - 1, torch.zeros(8, dtype=torch.long))
    g0 = {k: v.clone() for k, v in netG.named_parameters()}
    d0 = {k: v.clone() for k, v in netD.named_parameters()}
    log = netD.train_step(batch, netG, optD, MetricLog())
    assert all(torch.equal(g0[k], v) for k, v in netG.named_parameters())
    assert any(not torch.equal(d0[k], v) for k, v in netD.named_parameters())
    assert all(p.grad is None for p in netG.parameters())
    d1 = {k: v.clone() for k, v in netD.named_parameters()}
    netD.zero_grad(set_to_none=True)
    netG.train_step(batch, netD, optG, log)
    assert all(torch.equal(d1[k], v) for k, v in netD.named_parameters())
    assert all(p.grad is None for p in netD.parameters())  # D was frozen: no wasted gradients
    assert all(p.requires_grad for p in netD.parameters())  # and unfrozen afterwards
    assert any(not torch.equal(g0[k], v) for k, v in netG.named_parameters())
    means = log.means()
    assert set(means) == {"errD", "D(x)", "D(G(z))", "errG"}
    assert all(torch.isfinite(torch.tensor(v)) for v in means.values())


def test_train_step_under_bf16_autocast_and_with_grad_scaler(tiny_pair):
    netG, netD = tiny_pair("sngan", 32)
    optG, optD = adam_pair(netG, netD)
    batch = (torch.rand(4, 3, 32, 32) * 2 - 1, torch.zeros(4, dtype=torch.long))
    log = MetricLog()
    netD.train_step(batch, netG, optD, log, amp_dtype=torch.bfloat16)
    netG.train_step(batch, netD, optG, log, amp_dtype=torch.bfloat16)
    scaler = torch.amp.GradScaler("cpu")
    netD.train_step(batch, netG, optD, log, scaler=scaler)
    assert scaler.get_scale() > 0
    assert all(torch.isfinite(torch.tensor(v)) for v in log.means().values())


def test_split_batch_and_input_checks(tiny_pair):
    images = torch.zeros(2, 3, 32, 32)
    assert split_batch(images)[1] is None
    assert split_batch([images, torch.ones(2)])[1] is not None
    with pytest.raises(TypeError, match="real_batch"):
        split_batch("x")
    with pytest.raises(ValueError, match="shape"):
        split_batch(torch.zeros(3, 32, 32))
    with pytest.raises(ValueError, match="float"):
        split_batch(torch.zeros(2, 3, 32, 32, dtype=torch.uint8))
    netG, netD = tiny_pair("sngan", 32)
    with pytest.raises(ValueError, match=r"expects images of shape \(N, 3, 32, 32\), got \(2, 1, 28, 28\)"):
        netD.discriminate(torch.zeros(2, 1, 28, 28))


def test_truncation_bounds_latents(tiny_pair):
    netG, _ = tiny_pair("dcgan", 32)
    z = netG.sample_latent(500, truncation=0.5)
    assert z.abs().max() <= 0.5 and z.std() > 0.2
    with pytest.raises(ValueError, match="truncation"):
        netG.sample_latent(2, truncation=0)
    netG.eval()
    assert netG.generate_images(2, truncation=1.0).shape == (2, 3, 32, 32)


def test_call_wrapper_routes_forward_and_frozen_restores_flags(tiny_pair):
    netG, netD = tiny_pair("dcgan", 32)
    calls = []

    class Wrapper(nn.Module):
        def __init__(self, module):
            super().__init__()
            self.module = module

        def forward(self, *args):
            calls.append(len(args))
            return self.module(*args)

    wrapper = Wrapper(netD)
    netD.set_call_wrapper(wrapper)
    netD(torch.zeros(1, 3, 32, 32))
    assert calls == [1] and netD.call_wrapper is wrapper
    netD.set_call_wrapper(None)
    netD(torch.zeros(1, 3, 32, 32))
    assert calls == [1]
    first = next(netD.parameters())
    first.requires_grad_(False)
    with netD.frozen():
        assert not any(p.requires_grad for p in netD.parameters())
    assert not first.requires_grad and all(p.requires_grad for p in list(netD.parameters())[1:])


class TinyCondG(BaseConditionalGenerator):
    """A minimal conditional generator for testing the conditional bases."""

    def __init__(self, nz=4, num_classes=3, loss_type="hinge"):
        super().__init__(nz=nz, ngf=4, bottom_width=1, num_classes=num_classes, loss_type=loss_type)
        self.nc = 3
        self.embed = nn.Embedding(num_classes, nz)
        self.fc = nn.Linear(nz, 3 * 8 * 8)

    def forward(self, z, y):
        return torch.tanh(self.fc(z + self.embed(y))).view(-1, 3, 8, 8)


class TinyCondD(BaseConditionalDiscriminator):
    """A minimal projection-style conditional discriminator."""

    resolution = 8

    def __init__(self, num_classes=3, loss_type="hinge"):
        super().__init__(ndf=4, num_classes=num_classes, loss_type=loss_type)
        self.nc = 3
        self.fc = nn.Linear(3 * 8 * 8, 4)
        self.out = nn.Linear(4, 1)
        self.embed = nn.Embedding(num_classes, 4)

    def forward(self, x, y):
        h = torch.relu(self.fc(x.flatten(1)))
        return self.out(h) + (self.embed(y) * h).sum(1, keepdim=True)


def test_conditional_bases_sample_requested_classes_and_train():
    torch.manual_seed(0)
    netG, netD = TinyCondG(), TinyCondD()
    images, labels = netG.generate_images_with_labels(6, c=2)
    assert images.shape == (6, 3, 8, 8) and labels.tolist() == [2] * 6
    assert netG.generate_images(3, c=[0, 1, 2]).shape == (3, 3, 8, 8)
    assert set(netG.generate_batch(200)[1].tolist()) == {0, 1, 2}
    optG, optD = adam_pair(netG, netD)
    batch = (torch.rand(4, 3, 8, 8) * 2 - 1, torch.tensor([0, 1, 2, 0]))
    log = netD.train_step(batch, netG, optD, MetricLog())
    netG.train_step(batch, netD, optG, log)
    assert set(log.names()) == {"errD", "D(x)", "D(G(z))", "errG"}
    with pytest.raises(ValueError, match="class-conditional"):
        netD.train_step(batch[0], netG, optD, MetricLog())


def test_class_label_validation():
    assert class_labels(None, 5, 3, "cpu").shape == (5,)
    with pytest.raises(ValueError, match=r"lie in \[0, 3\)"):
        class_labels(3, 2, 3, "cpu")
    with pytest.raises(ValueError, match="got 2 class labels for 3 images"):
        class_labels([0, 1], 3, 3, "cpu")
    for cls in (TinyCondG, TinyCondD, nets.cgan_pd.CGANPDGenerator32, nets.acgan.ACGANDiscriminator32):
        assert_refuses_bad_ints(lambda v, cls=cls: cls(num_classes=v), "num_classes")


# ---------------------------------------------------------------- networks from a table
def test_one_class_per_variant_takes_resolution_and_equals_the_old_per_resolution_class():
    torch.manual_seed(0)
    by_class = nets.sngan.SNGANGenerator(ngf=16, resolution=32)
    torch.manual_seed(0)
    by_alias = nets.sngan.SNGANGenerator32(ngf=16)
    assert isinstance(by_alias, nets.sngan.SNGANGenerator) and by_alias.resolution == by_class.resolution == 32
    assert by_class.bottom_width == 4  # from the table
    for (k, a), (j, b) in zip(by_class.state_dict().items(), by_alias.state_dict().items()):
        assert k == j and torch.equal(a, b)
    sagan = nets.sagan.SAGANGenerator(nz=16, ngf=64, resolution=64)  # attention position from the table
    assert sagan.backbone.attention_after == 3 and sagan.bottom_width == 4
    assert nets.sagan.SAGANGenerator(nz=16, ngf=64, attention_after=2, resolution=64).backbone.attention_after == 2
    with pytest.raises(ValueError, match=r"no table default of \['ngf', 'bottom_width'\] at 40px"):
        nets.sngan.SNGANGenerator(resolution=40)
    with pytest.raises(TypeError, match="needs resolution="):
        nets.sngan.SNGANGenerator(ngf=16)


def test_a_table_driven_model_records_the_sizes_it_was_built_with_and_rebuilds_from_its_checkpoint(tmp_path):
    torch.manual_seed(0)
    netG = nets.sagan.SAGANGenerator(nz=16, ngf=64, resolution=64)
    assert netG.hparams() == {
        "class": "torch_gan_zoo.nets.sagan.SAGANGenerator", "loss_type": "hinge",
        "kwargs": {"nz": 16, "ngf": 64, "bottom_width": 4, "nc": 3, "loss_type": "hinge", "attention_after": 3,
                   "resolution": 64}}
    rebuilt = BaseModel.from_checkpoint(netG.save_checkpoint(str(tmp_path), 1))
    z = torch.randn(2, 16)
    assert torch.equal(rebuilt(z), netG.eval()(z))


def test_unregistered_subclasses_work_without_the_registration_decorator():
    class MyDiscriminator(nets.sngan.SNGANDiscriminator):
        """Not registered: nothing sets a class attribute ``resolution``."""

    assert not hasattr(MyDiscriminator, "resolution")
    torch.manual_seed(0)
    netG, netD = nets.sngan.SNGANGenerator(ngf=16, resolution=32), MyDiscriminator(ndf=16, resolution=32)
    log = netD.train_step(torch.rand(4, 3, 32, 32) * 2 - 1, netG, torch.optim.SGD(netD.parameters(), 0.1), MetricLog())
    assert log.names() == ["errD", "D(x)", "D(G(z))"]
    with pytest.raises(ValueError, match=r"expects images of shape \(N, 3, 32, 32\)"):
        netD.discriminate(torch.zeros(2, 3, 48, 48))

    class Fixed(nets.sngan.SNGANDiscriminator):  # written for earlier releases: resolution as class attribute
        resolution = 32

        def __init__(self, ndf=16):
            super().__init__(ndf=ndf)

    assert Fixed().resolution == 32 and Fixed().hparams()["kwargs"] == {"ndf": 16}


def test_earlier_module_paths_and_names_still_import():
    import importlib

    from torch_gan_zoo.nets.dcgan.dcgan_28 import DCGANDiscriminator28
    from torch_gan_zoo.nets.sngan.sngan_32 import SNGANGenerator32

    assert SNGANGenerator32 is nets.sngan.SNGANGenerator32 and DCGANDiscriminator28 is nets.dcgan.DCGANDiscriminator28
    for name, resolution in nets.list_models():
        info = nets.model_info(name, resolution)
        for role in ("generator", "discriminator"):
            module, _, cls_name = info[role].rpartition(".")
            assert module == f"torch_gan_zoo.nets.{name}.{name}_{resolution}"
            cls = getattr(importlib.import_module(module), cls_name)
            assert cls in nets.get_model_classes(name, resolution)
            package = importlib.import_module(f"torch_gan_zoo.nets.{name}")
            assert getattr(package, cls_name) is cls and cls_name in package.__all__
    assert nets.sngan.SNGANBaseGenerator is nets.sngan.SNGANGenerator  # the earlier base-class names


def test_aliases_keep_the_old_signature_positional_order_and_defaults():
    import inspect

    params = inspect.signature(nets.biggan.BigGANGenerator32).parameters
    assert list(params) == ["nz", "ngf", "bottom_width", "num_classes", "shared_dim", "nc", "attention_resolution",
                            "ortho_reg_weight", "loss_type"]
    assert [params[k].default for k in ("nz", "ngf", "attention_resolution")] == [80, 384, 16]
    assert nets.model_info("dcgan", 28)["generator_defaults"] == {"nz": 62, "ngf": 128, "bottom_width": 7, "nc": 1,
                                                                 "loss_type": "ns", "upsample": False,
                                                                 "coord_conv": False, "conv_width": 1}
    netD = nets.dcgan.DCGANDiscriminator28(8)  # positional, as before
    assert netD.ndf == 8 and netD.hparams()["kwargs"] == {"ndf": 8, "nc": 1, "loss_type": "ns"}
    with pytest.raises(TypeError, match="resolution"):
        nets.dcgan.DCGANDiscriminator28(8, resolution=32)


def test_register_variant_registers_every_row_of_a_users_table(monkeypatch):
    from torch_gan_zoo.nets import registry
    from torch_gan_zoo.nets.table import frozen_table

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))

    class TinyG(nets.sngan.SNGANGenerator):
        resolution_defaults = frozen_table({32: {"ngf": 16, "bottom_width": 4}, 48: {"ngf": 16, "bottom_width": 6}})

    class TinyD(nets.sngan.SNGANDiscriminator):
        resolution_defaults = frozen_table({32: {"ndf": 16}})

    aliases = nets.register_variant("tinygan", TinyG, TinyD, paper="none")
    assert sorted(aliases) == ["TinyD32", "TinyG32"] and nets.list_models("tinygan") == [("tinygan", 32)]
    netG, netD = nets.create_model("tinygan", 32)
    assert type(netG) is aliases["TinyG32"] and netG.ngf == 16 and netD.ndf == 16
    assert netG.model_name == "tinygan" and sys.modules[__name__].TinyG32 is aliases["TinyG32"]


# ---------------------------------------------------------------- the extension contract, enforced
def test_base_classes_need_no_convolutional_arguments():
    class MLP(nets.BaseGenerator):
        def __init__(self, nz=8):
            super().__init__(nz=nz)
            self.fc = nn.Linear(nz, 3 * 4 * 4)

        def forward(self, z):
            return torch.tanh(self.fc(z)).view(-1, 3, 4, 4)

    netG = MLP()
    assert netG.loss_type == "ns" and netG.ngf is None and netG.generate_images(2).shape == (2, 3, 4, 4)
    with pytest.raises(TypeError, match="needs num_classes"):
        nets.BaseConditionalDiscriminator(ndf=4)


@pytest.mark.parametrize("body,match", [
    ({"__call__": lambda self, x: x}, "overrides __call__: write forward"),
    ({"compute_generator_losses": lambda self, fake_images, fake_labels, netD, amp_dtype=None: {}},
     "is a discriminator but defines compute_generator_losses, a generator hook"),
    ({"compute_discriminator_losses": lambda self, real_images, fake_images: {}},
     r"cannot be called as the train step calls it: compute_discriminator_losses\(real_images, real_labels"),
    ({"compute_discriminator_loss": lambda self, *args, **kwargs: {}}, "did you mean compute_discriminator_losses"),
])
def test_a_subclass_overriding_the_wrong_method_is_refused_when_it_is_created(body, match):
    with pytest.raises(TypeError, match=match):
        type("Wrong", (nets.sngan.SNGANDiscriminator,), dict(body))


def test_a_generator_hook_with_the_wrong_name_or_side_is_refused():
    with pytest.raises(TypeError, match="did you mean compute_generator_losses"):
        type("Wrong", (nets.BaseGenerator,), {"compute_generator_loss": lambda self, *a: {}})
    with pytest.raises(TypeError, match="a discriminator hook"):
        type("Wrong", (nets.BaseGenerator,), {"compute_discriminator_losses": lambda self, *a, **k: {}})


def test_a_hook_that_never_mentions_autocast_still_runs_its_forward_passes_under_the_steps_autocast():
    seen = {}

    class Plain(nets.sngan.SNGANDiscriminator):
        def compute_discriminator_losses(self, real_images, real_labels, fake_images, fake_labels, amp_dtype=None):
            output_real, output_fake = self.discriminate(real_images), self.discriminate(fake_images)
            seen["dtype"], seen["autocast_in_hook"] = output_real.dtype, torch.is_autocast_enabled("cpu")
            errD = self.compute_gan_loss(output_real, output_fake)
            return nets.StepLosses({"errD": nets.LossTerm(errD)}, output_real=output_real, output_fake=output_fake)

    torch.manual_seed(0)
    netG, netD = nets.sngan.SNGANGenerator(ngf=16, resolution=32), Plain(ndf=16, resolution=32)
    netD.train_step(torch.rand(4, 3, 32, 32) * 2 - 1, netG, torch.optim.SGD(netD.parameters(), 0.1), MetricLog(),
                    amp_dtype=torch.bfloat16)
    assert seen == {"dtype": torch.bfloat16, "autocast_in_hook": False}
    assert netD(torch.zeros(1, 3, 32, 32)).dtype == torch.float32  # outside a step: no autocast


def test_a_hook_that_bypasses_self_call_through_forward_is_stopped_at_the_first_step():
    class Bypass(nets.sngan.SNGANDiscriminator):
        def discriminate(self, images, labels=None, **kwargs):  # wrong: .forward skips autocast and wrappers
            return self.forward(images)

    torch.manual_seed(0)
    netG, netD = nets.sngan.SNGANGenerator(ngf=16, resolution=32), Bypass(ndf=16, resolution=32)
    images = torch.rand(4, 3, 32, 32) * 2 - 1
    with pytest.raises(RuntimeError, match="Bypass.compute_discriminator_losses scored images without calling Bypass"):
        netD.train_step(images, netG, torch.optim.SGD(netD.parameters(), 0.1), MetricLog())
    with pytest.raises(RuntimeError, match="SNGANGenerator.compute_generator_losses scored images without calling"):
        netG.train_step(images, netD, torch.optim.SGD(netG.parameters(), 0.1), MetricLog())
    assert netD.forward_calls is None  # outside a step nothing is counted
