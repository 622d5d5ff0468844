import json
import os
import subprocess
import sys

import pytest
import torch

from torch_gan_zoo import cli
from torch_gan_zoo.config.presets import get_preset, list_presets, register_preset
from torch_gan_zoo.training.recipe import apply_overrides
from torch_gan_zoo.training.recipe import build_config, build_optimizer
from helpers.paths import REPO


def test_models_lists_registered_models(capsys):
    assert cli.main(["models"]) == 0
    out = capsys.readouterr().out
    assert "sngan" in out and "128px" in out and "Miyato" in out


def test_quickstart_leaves_samples_logs_checkpoint_and_hparams(tmp_path, capsys):
    log_dir = tmp_path / "qs"
    assert cli.main(["quickstart", "--steps", "2", "--batch-size", "8", "--log-dir", str(log_dir)]) == 0
    out = capsys.readouterr().out
    assert "samples:" in out and "tensorboard --logdir" in out and "netG_2_steps.pth" in out
    hparams = json.loads((log_dir / "hparams.json").read_text())
    # the 28 px class-conditional quickstart (the CPPN GAN), five shape classes, RGB
    assert hparams["netG"]["class"].endswith("CPPNGenerator28") and hparams["seed"] == 0
    assert hparams["netG"]["kwargs"]["num_classes"] == 5 and hparams["netG"]["kwargs"]["nc"] == 3
    assert os.listdir(log_dir / "images") and os.listdir(log_dir / "tensorboard")


def test_train_with_config_file_flags_and_overrides(tmp_path):
    config = tmp_path / "run.json"
    config.write_text(json.dumps({"model_kwargs": {"ngf": 8, "ndf": 8}, "dataset_kwargs": {"num_images": 32},
                                  "optD": {"lr": 3e-4}}))
    log_dir = tmp_path / "run"
    argv = ["train", "--model", "sngan", "--resolution", "32", "--dataset", "shapes", "--steps", "2",
            "--batch-size", "4", "--n-dis", "1", "--log-dir", str(log_dir), "--config", str(config), "--seed", "3",
            "--lr-decay", "none", "--set", "optG.lr=1e-4", "--set", "trainer_kwargs.progress=false"]
    assert cli.main(argv) == 0
    hparams = json.loads((log_dir / "hparams.json").read_text())
    assert hparams["netG"]["kwargs"]["ngf"] == 8 and hparams["netD"]["loss_type"] == "hinge"
    assert hparams["optD"]["param_groups"][0]["lr"] == 3e-4 and hparams["optG"]["param_groups"][0]["lr"] == 1e-4
    assert hparams["optG"]["param_groups"][0]["betas"] == [0.0, 0.9]  # from the SNGAN preset
    assert hparams["n_dis"] == 1 and hparams["batch_size"] == 4 and hparams["lr_decay"] is None
    assert hparams["seed"] == 3 and hparams["extra"] == {"model": "sngan", "dataset": "shapes", "resolution": 32}


def test_sample_rebuilds_the_generator_from_its_checkpoint(tmp_path, capsys):
    log_dir = tmp_path / "qs"
    # an unconditional generator (the quickstart's own is class-conditional)
    cli.main(["quickstart", "--steps", "1", "--batch-size", "4", "--log-dir", str(log_dir), "--set", "model=dcgan"])
    ckpt = log_dir / "checkpoints" / "netG" / "netG_1_steps.pth"
    out = tmp_path / "grid" / "s.png"
    assert cli.main(["sample", "--checkpoint", str(ckpt), "--out", str(out), "--num-images", "4"]) == 0
    assert out.exists() and "wrote 4 samples" in capsys.readouterr().out
    assert cli.main(["sample", "--checkpoint", str(ckpt), "--out", str(out), "--num-images", "2",
                     "--truncation", "0.5"]) == 0
    with pytest.raises(SystemExit, match="class-conditional"):
        cli.main(["sample", "--checkpoint", str(ckpt), "--out", str(out), "--class", "1"])
    d_ckpt = log_dir / "checkpoints" / "netD" / "netD_1_steps.pth"
    with pytest.raises(SystemExit, match="does not hold a generator"):
        cli.main(["sample", "--checkpoint", str(d_ckpt), "--out", str(out)])


def test_errors_exit_with_status_2_and_a_message(tmp_path, capsys):
    assert cli.main(["train", "--model", "nope", "--dataset", "shapes", "--log-dir", str(tmp_path)]) == 2
    assert "no preset for model 'nope'" in capsys.readouterr().err
    assert cli.main(["train", "--model", "sngan", "--dataset", "cifar10", "--data-root", str(tmp_path),
                     "--log-dir", str(tmp_path / "x")]) == 2
    assert "cifar10 not found" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    with pytest.raises(SystemExit, match="JSON object"):
        cli.main(["train", "--model", "sngan", "--dataset", "shapes", "--config", str(bad)])
    with pytest.raises(SystemExit):
        cli.main(["train", "--help"])
    assert "--set KEY=VALUE" in capsys.readouterr().out


def test_console_script_module_entry_point():
    env = dict(os.environ, PYTHONPATH=REPO)
    proc = subprocess.run([sys.executable, "-m", "torch_gan_zoo", "quickstart", "--help"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0 and "fashion_mnist" in proc.stdout


def test_presets_and_overrides():
    assert {"dcgan", "sngan"} <= set(list_presets())
    preset = get_preset("sngan")
    preset["n_dis"] = 99
    assert get_preset("sngan")["n_dis"] == 5  # a copy
    config = apply_overrides({"optD": {"lr": 1}}, ["optD.lr=2e-4", "name=x", "model_kwargs.ngf=8", "flag=true"])
    assert config == {"optD": {"lr": 2e-4}, "name": "x", "model_kwargs": {"ngf": 8}, "flag": True}
    with pytest.raises(ValueError, match="key=value"):
        apply_overrides({}, ["oops"])
    with pytest.raises(ValueError, match="not a group"):
        apply_overrides({"n_dis": 5}, ["n_dis.x=1"])
    with pytest.raises(ValueError, match="lacks"):
        register_preset("broken", {"loss_type": "hinge"})
    with pytest.raises(ValueError, match="unknown config key"):
        build_config("sngan", typo_key=1)
    assert build_config("sngan", preset=False, dataset="shapes")["model"] == "sngan"


def test_build_optimizer():
    params = [torch.nn.Parameter(torch.zeros(2))]
    opt = build_optimizer(params, {"name": "adam", "lr": 1e-3, "betas": [0.5, 0.9]})
    assert isinstance(opt, torch.optim.Adam) and opt.param_groups[0]["betas"] == (0.5, 0.9)
    assert isinstance(build_optimizer(params, {"name": "sgd", "lr": 0.1}), torch.optim.SGD)
    with pytest.raises(ValueError, match="unknown optimizer"):
        build_optimizer(params, {"name": "lion"})


def test_sample_a_class_from_a_conditional_checkpoint(tmp_path, capsys):
    from torch_gan_zoo import nets

    netG, _ = nets.create_model("cgan_pd", 32, ngf=8, ndf=8, num_classes=3)
    path = netG.save_checkpoint(str(tmp_path / "netG"), 1)
    out = tmp_path / "c.png"
    assert cli.main(["sample", "--checkpoint", path, "--out", str(out), "--num-images", "4", "--class", "2"]) == 0
    assert out.exists()
    assert cli.main(["sample", "--checkpoint", path, "--out", str(out), "--class", "7"]) == 2
    assert "lie in [0, 3)" in capsys.readouterr().err
