"""Exporting a run: the folder holds exactly the generator whose FID is reported (the EMA generator
with standing batch-norm statistics), from export_run and from Trainer(export_pretrained=...)."""
import copy
import json
import os

import pytest
import torch
from helpers.training import adam_pair, state_equal

from torch_gan_zoo import zoo
from torch_gan_zoo.metrics import compute_fid
from torch_gan_zoo.nets import BaseModel
from torch_gan_zoo.training import Trainer
from torch_gan_zoo.training.ema import standing_stats
from torch_gan_zoo.utils.io import CheckpointError


def train(tiny_pair, data, log_dir, ema=True, **kwargs):
    netG, netD = tiny_pair("dcgan", 32, ngf=8, ndf=8)
    optG, optD = adam_pair(netG, netD)
    options = dict(num_steps=3, log_dir=str(log_dir), batch_size=8, progress=False, seed=0, save_steps=2,
                   vis_steps=100, log_steps=100, keep_checkpoints=None)
    options.update(kwargs)
    trainer = Trainer(netD, netG, optD, optG, data, ema_decay=0.5 if ema else None, **options)
    return trainer, trainer.train()


def test_trainer_export_is_the_ema_generator_with_standing_stats_and_fid_matches(tiny_pair, shapes_small, tmp_path,
                                                                                 tiny):
    stats = {"num_batches": 2, "batch_size": 8, "seed": 1}
    trainer, result = train(tiny_pair, shapes_small, tmp_path / "run", export_pretrained={"stats": stats})
    folder = result["pretrained"]
    assert folder == os.path.join(str(tmp_path / "run"), "pretrained")
    loaded = zoo.load(folder)
    expected = standing_stats(copy.deepcopy(trainer.netG_ema), **stats)
    assert state_equal(loaded.state_dict(), expected.state_dict())
    raw = BaseModel.from_checkpoint(result["checkpoint"]["netG_ema"])
    assert not state_equal(loaded.state_dict(), raw.state_dict())  # the checkpoint's buffers were re-estimated
    config = zoo.read_config(folder)
    assert config["export"]["source"] == "netG_ema" and config["export"]["step"] == 3
    assert config["export"]["standing_stats"] == stats
    assert config["run"]["netG"]["kwargs"]["ngf"] == 8 and "runtime" not in config["run"]
    assert "batch-norm statistics re-estimated over 2 batches of 8" in open(os.path.join(folder, "README.md")).read()

    real = torch.stack([shapes_small[i][0] for i in range(32)])
    options = dict(num_fake_samples=24, inception_weights=tiny, device="cpu", seed=3, batch_size=12, cache=False)
    fid_loaded = compute_fid(real, zoo.load(folder), **options)
    fid_run = compute_fid(real, expected, **options)
    assert float(fid_loaded) == float(fid_run)
    assert float(compute_fid(real, raw, **options)) != float(fid_loaded)
    # exporting again (a finished run re-run) replaces the folder
    assert zoo.export_trainer(trainer, {"stats": stats}) == folder
    assert state_equal(zoo.load(folder).state_dict(), expected.state_dict())
    with pytest.raises(TypeError, match="export_pretrained must be"):
        zoo.export_trainer(trainer, 3)


def test_export_run_options_and_errors(tiny_pair, shapes_small, tmp_path):
    log_dir = tmp_path / "plain"
    with pytest.raises(CheckpointError, match="no complete checkpoint"):
        zoo.export_run(str(log_dir))
    trainer, result = train(tiny_pair, shapes_small, log_dir, ema=False)
    assert result["pretrained"] is None
    folder = zoo.export_run(str(log_dir), str(tmp_path / "out"), include_discriminator=False)
    config = zoo.read_config(folder)
    assert config["export"]["source"] == "netG" and config["export"]["standing_stats"] is None
    assert "netD" not in config["architecture"]
    assert state_equal(zoo.load(folder).state_dict(), trainer.netG.state_dict())
    with pytest.raises(ValueError, match="overwrite=True"):
        zoo.export_run(str(log_dir), str(tmp_path / "out"))
    older = zoo.export_run(str(log_dir), str(tmp_path / "step2"), step=2)
    assert zoo.read_config(older)["export"]["step"] == 2
    assert not state_equal(zoo.load(older).state_dict(), trainer.netG.state_dict())
    with pytest.raises(CheckpointError, match="no complete checkpoint of step 1"):
        zoo.export_run(str(log_dir), str(tmp_path / "x"), step=1)
    with pytest.raises(CheckpointError, match="kept no EMA generator"):
        zoo.export_run(str(log_dir), str(tmp_path / "x"), use_ema=True)
    assert not os.path.exists(tmp_path / "x")


def test_export_refuses_unknown_settings_and_unregistered_classes(tiny_pair, shapes_small, tmp_path):
    log_dir = tmp_path / "run"
    train(tiny_pair, shapes_small, log_dir)
    with pytest.raises(ValueError, match="unknown standing-statistics"):
        zoo.export_run(str(log_dir), str(tmp_path / "a"), stats={"batches": 3})
    path = log_dir / "checkpoints" / "netG_ema" / "netG_ema_3_steps.pth"
    ckpt = torch.load(path, weights_only=True)
    ckpt["model_config"]["class"] = "some_module_next_to_the_file.Generator"
    torch.save(ckpt, path)
    with pytest.raises(CheckpointError, match="not a generator registered"):
        zoo.export_run(str(log_dir), str(tmp_path / "b"))
    hparams = json.loads((log_dir / "hparams.json").read_text())
    assert "netG" in hparams


def test_conditional_run_export_keeps_classes(tmp_path):
    from torch_gan_zoo.training.recipe import build_config, run_config

    config = build_config("cgan_pd", dataset="shapes", resolution=32, num_steps=2, batch_size=4, seed=0,
                          log_dir=str(tmp_path / "c"), model_kwargs={"ngf": 8, "ndf": 8},
                          dataset_kwargs={"num_images": 16},
                          trainer_kwargs={"progress": False, "ema_decay": 0.5, "vis_steps": 100})
    result = run_config(config)
    folder = zoo.export_run(str(tmp_path / "c"), stats={"num_batches": 1, "batch_size": 4})
    assert folder == str(tmp_path / "c" / "pretrained")
    loaded = zoo.load(folder, part="both")
    assert loaded.netG.num_classes == result["trainer"].netG.num_classes
    card = zoo.read_config(folder)["card"]
    assert card["dataset"] == "shapes"


def test_checkpoint_classes_are_looked_up_never_imported_from_outside(tmp_path, monkeypatch):
    import sys

    from torch_gan_zoo import nets
    from torch_gan_zoo.zoo.checkpoints import load_checkpoint_model, registered_class

    marker = tmp_path / "imported"
    (tmp_path / "gan_helpers_zoo_test.py").write_text(f"open({str(marker)!r}, 'w').close()\nclass Generator: pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    torch.manual_seed(0)
    netG, netD = nets.create_model("dcgan", 32, ngf=8, ndf=8)
    path = netG.save_checkpoint(str(tmp_path / "netG"), 1)
    role, name, res, loaded = load_checkpoint_model(path)
    assert (role, name, res) == ("netG", "dcgan", 32) and not loaded.training
    assert state_equal(loaded.state_dict(), netG.state_dict())
    assert load_checkpoint_model(netD.save_checkpoint(str(tmp_path / "netD"), 1))[0] == "netD"
    # the package's own re-export path is accepted (an alias of a registered class)
    assert registered_class("torch_gan_zoo.nets.dcgan.DCGANGenerator32")[1:3] == ("dcgan", 32)
    for recorded in ("gan_helpers_zoo_test.Generator", "os.system", "torch_gan_zoo.nets.basemodel.BaseModel",
                     "torch_gan_zoo.no_such_module.X"):
        ckpt = torch.load(path, weights_only=True)
        ckpt["model_config"]["class"] = recorded
        torch.save(ckpt, path)
        with pytest.raises(CheckpointError, match="only registered classes are rebuilt"):
            load_checkpoint_model(path)
    assert not marker.exists() and "gan_helpers_zoo_test" not in sys.modules
    with pytest.raises(CheckpointError, match="not a discriminator registered"):
        registered_class("torch_gan_zoo.nets.dcgan.dcgan_32.DCGANGenerator32", role="netD")
    ckpt["model_config"] = {}
    torch.save(ckpt, path)
    with pytest.raises(CheckpointError, match="records no model class"):
        load_checkpoint_model(path)
