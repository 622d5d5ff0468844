"""Exporting a run: the folder holds exactly the generator whose FID is reported (the EMA generator
with standing batch-norm statistics), from export_run and from Trainer(export_pretrained=...)."""
import copy
import json
import os

import pytest
import torch
from conftest import adam_pair, state_equal

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
    with pytest.raises(CheckpointError, match="not registered"):
        zoo.export_run(str(log_dir), str(tmp_path / "b"))
    hparams = json.loads((log_dir / "hparams.json").read_text())
    assert "netG" in hparams


def test_conditional_run_export_keeps_classes(tmp_path):
    from torch_gan_zoo.training.recipe import build_config, run_config

    config = build_config("cgan_pd", dataset="shapes", resolution=32, num_steps=2, batch_size=4, seed=0,
                          log_dir=str(tmp_path / "c"), model_kwargs={"ngf": 8, "ndf": 8},
                          dataset_kwargs={"num_images": 16},
                          trainer_kwargs={"progress": False, "ema_decay": 0.5, "export_pretrained": {"stats": {"num_batches": 1, "batch_size": 4}},
                                          "vis_steps": 100})
    result = run_config(config)
    loaded = zoo.load(result["pretrained"], part="both")
    assert loaded.netG.num_classes == result["trainer"].netG.num_classes
    card = zoo.read_config(result["pretrained"])["card"]
    assert card["dataset"] == "shapes"
