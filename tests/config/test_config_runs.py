"""Runs driven by the typed configuration through the CLI: exact re-runs from a run's own record, independent
optimiser overrides, user models, resume checks without hparams.json, and recovering from a NaN."""
import json
import os
import shutil
import textwrap

import pytest
import torch

from torch_gan_zoo import cli
from helpers.paths import FIXTURES

TINY = ["--resolution", "32", "--dataset", "shapes", "--batch-size", "4", "--n-dis", "1", "--seed", "0",
        "--set", "model_kwargs.ngf=8", "--set", "model_kwargs.ndf=8", "--set", "dataset_kwargs.num_images=16",
        "--set", "trainer_kwargs.progress=false", "--set", "trainer_kwargs.vis_steps=100"]


def train(log_dir, *extra, model="dcgan", steps=2):
    """Run ``torch-gan-zoo train`` on tiny settings; returns the exit status."""
    argv = ["train", "--steps", str(steps), "--log-dir", str(log_dir), *TINY, *extra]
    if model is not None:
        argv += ["--model", model]
    return cli.main(argv)


def weights(log_dir, step):
    """The state dicts of G and D (and both optimisers) saved at ``step``."""
    out = {}
    for part in ("netG", "netD"):
        ckpt = torch.load(os.path.join(log_dir, "checkpoints", part, f"{part}_{step}_steps.pth"), weights_only=True)
        out[part] = ckpt["model_state_dict"]
        out[part + "_opt"] = ckpt["optimizer_state_dict"]["state"]
    return out


def assert_bit_identical(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert a[key].keys() == b[key].keys()
        for name in a[key]:
            x, y = a[key][name], b[key][name]
            if isinstance(x, dict):
                assert all(torch.equal(x[k], y[k]) if torch.is_tensor(x[k]) else x[k] == y[k] for k in x)
            else:
                assert torch.equal(x, y), (key, name)


def test_a_run_re_runs_exactly_from_its_config_json_and_its_hparams_json(tmp_path):
    first = tmp_path / "first"
    assert train(first, "--set", "optD.lr=1e-3") == 0
    config = json.loads((first / "config.json").read_text())
    assert config["optD"]["lr"] == 1e-3 and config["optG"]["lr"] == 2e-4  # optG keeps the preset's rate
    assert config["schedule"] == {"num_steps": 2, "n_dis": 1, "lr_decay": "linear", "lr_decay_start": 0}
    assert config["model"]["resolution"] == 32 and config["model"]["kwargs"] == {"ngf": 8, "ndf": 8}
    hparams = json.loads((first / "hparams.json").read_text())
    assert hparams["optD"]["param_groups"][0]["lr"] == 1e-3 and hparams["optG"]["param_groups"][0]["lr"] == 2e-4
    assert hparams["run_config"] == config and hparams["history"] == []

    second = tmp_path / "second"  # nothing but the file (and a new log_dir)
    assert cli.main(["train", "--config", str(first / "config.json"), "--log-dir", str(second)]) == 0
    assert_bit_identical(weights(first, 2), weights(second, 2))
    third = tmp_path / "third"  # the identity snapshot can be fed back too
    assert cli.main(["train", "--config", str(first / "hparams.json"), "--log-dir", str(third)]) == 0
    assert_bit_identical(weights(first, 2), weights(third, 2))
    assert json.loads((third / "config.json").read_text()) == dict(config, logging=dict(config["logging"],
                                                                                          log_dir=str(third)))


def test_set_optg_changes_only_the_generator_through_cli_and_hparams(tmp_path):
    assert train(tmp_path / "g", "--set", "optG.lr=5e-4", "--set", "optG.betas=[0.1, 0.99]", model="sngan",
                 steps=1) == 0
    saved = json.loads((tmp_path / "g" / "hparams.json").read_text())
    groups = {k: saved[k]["param_groups"][0] for k in ("optG", "optD")}
    assert groups["optG"]["lr"] == 5e-4 and groups["optG"]["betas"] == [0.1, 0.99]
    assert groups["optD"]["lr"] == 2e-4 and groups["optD"]["betas"] == [0.0, 0.9]


def test_a_model_key_in_the_config_file_chooses_the_preset(tmp_path):
    config = tmp_path / "c.json"
    config.write_text(json.dumps({"model": "wgan_gp", "lr_decay": "none"}))
    assert train(tmp_path / "run", "--config", str(config), model=None, steps=1) == 0
    hparams = json.loads((tmp_path / "run" / "hparams.json").read_text())
    assert hparams["extra"]["model"] == "wgan_gp" and hparams["netD"]["loss_type"] == "wasserstein"
    assert hparams["optD"]["param_groups"][0]["betas"] == [0.0, 0.9] and hparams["lr_decay"] is None


USER_MODULE = textwrap.dedent('''
    import os
    open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "imported.marker"), "w").close()
    from torch_gan_zoo import nets

    DCGANGenerator32, DCGANDiscriminator32 = nets.get_model_classes("dcgan", 32)


    def make_pair(resolution, nc=3, ngf=8, ndf=8, loss_type="ns"):
        return tuple(nets.create_model("dcgan", resolution, nc=nc, ngf=ngf, ndf=ndf, loss_type=loss_type))


    def not_a_pair(resolution, **kwargs):
        return 42
''')


def test_a_users_own_model_trains_from_the_cli_and_a_config_file_cannot_import_code(tmp_path, monkeypatch, capsys):
    package = tmp_path / "userpkg"
    package.mkdir()
    (package / "my_gans.py").write_text(USER_MODULE)
    monkeypatch.syspath_prepend(str(package))
    marker = package / "imported.marker"

    config = tmp_path / "c.json"  # a config file naming a module: refused, nothing imported
    config.write_text(json.dumps({"model": "my_gans:make_pair"}))
    assert train(tmp_path / "refused", "--config", str(config), model=None, steps=1) == 2
    assert "cannot make torch-gan-zoo import code" in capsys.readouterr().err
    assert not marker.exists()
    assert train(tmp_path / "refused2", "--set", "model=my_gans:make_pair", model=None, steps=1) == 2
    assert not marker.exists() and not (tmp_path / "refused" / "hparams.json").exists()

    assert train(tmp_path / "factory", model="my_gans:make_pair", steps=1) == 0  # typed by the user: allowed
    assert marker.exists()
    hparams = json.loads((tmp_path / "factory" / "hparams.json").read_text())
    assert hparams["extra"]["model"] == "my_gans:make_pair" and hparams["netG"]["kwargs"]["ngf"] == 8
    assert train(tmp_path / "classes", "--set", "model_kwargs.ngf=16", model="my_gans:DCGANGenerator32,"
                 "my_gans:DCGANDiscriminator32", steps=1) == 0
    hparams = json.loads((tmp_path / "classes" / "hparams.json").read_text())
    assert hparams["netG"]["kwargs"]["ngf"] == 16 and hparams["netD"]["kwargs"]["ndf"] == 8
    assert train(tmp_path / "bad", model="my_gans:not_a_pair", steps=1) == 2
    assert "must return (netG, netD)" in capsys.readouterr().err
    assert train(tmp_path / "bad2", model="my_gans:DCGANGenerator32", steps=1) == 2
    assert "name its discriminator too" in capsys.readouterr().err
    assert train(tmp_path / "bad3", model="no_such_module_xyz:f", steps=1) == 2
    assert "cannot import module 'no_such_module_xyz'" in capsys.readouterr().err


def test_checkpoints_without_hparams_json_are_checked_against_their_own_record(tmp_path, capsys):
    run = tmp_path / "run"
    assert train(run, steps=1) == 0
    os.remove(run / "hparams.json")
    assert train(run, "--set", "optG.lr=1e-3", steps=2) == 2  # different rate: refused, nothing written
    err = capsys.readouterr().err
    assert "no hparams.json; checked against the settings recorded in its checkpoint" in err
    assert "optG.param_groups.0.lr: saved 0.0002, now 0.001" in err
    assert not (run / "hparams.json").exists() and not os.path.exists(run / "checkpoints" / "netG" / "netG_2_steps.pth")
    assert train(run, steps=2) == 0  # the same settings: resumes, and the snapshot is back
    assert json.loads((run / "hparams.json").read_text())["optG"]["param_groups"][0]["lr"] == 2e-4


def test_old_checkpoints_without_a_record_and_without_hparams_json_are_refused(tmp_path, capsys):
    run = tmp_path / "old"
    shutil.copytree(os.path.join(FIXTURES, "old_cli_run"), run)
    os.remove(run / "hparams.json")
    assert train(run, "--set", "optG.lr=1", steps=2) == 2
    assert "holds checkpoints (newest: step 1) but no hparams.json" in capsys.readouterr().err
    assert not (run / "hparams.json").exists() and not (run / "train.log").exists()


def test_an_old_run_directory_still_resumes(tmp_path):
    run = tmp_path / "old"
    shutil.copytree(os.path.join(FIXTURES, "old_cli_run"), run)
    old = json.loads((run / "hparams.json").read_text())
    assert "run_config" not in old and "history" not in old  # written before the typed configuration
    assert train(run, steps=2) == 0
    new = json.loads((run / "hparams.json").read_text())
    # the generator's record gains upsample=False, coord_conv=False and conv_width=1, the arguments added later
    # at the meaning old runs had
    assert new["netG"] == {**old["netG"], "kwargs": {**old["netG"]["kwargs"], "upsample": False, "coord_conv": False,
                                                     "conv_width": 1}}
    assert new["num_steps"] == 2 and new["netD"] == old["netD"] and new["optG"] == old["optG"]
    assert "resumed from step 1" in (run / "train.log").read_text()
    assert os.path.exists(run / "checkpoints" / "netG" / "netG_2_steps.pth")


def test_a_nan_from_the_cli_is_reported_and_an_allowed_change_resumes(tmp_path, capsys):
    run = tmp_path / "run"
    save_every_step = ["--set", "trainer_kwargs.save_steps=1", "--set", "trainer_kwargs.log_steps=1"]
    assert train(run, *save_every_step, steps=2) == 0
    capsys.readouterr()
    # Extending the run with an absurd rate (allowed explicitly) makes the losses NaN at step 3.
    blow_up = ["--set", "optG.lr=1e12", "--set", "optD.lr=1e12",
               "--allow-change", "optG.lr", "--allow-change", "optD.lr"]
    assert train(run, *save_every_step, *blow_up, steps=4) == 2  # an error message, no traceback
    err = capsys.readouterr().err
    assert "error: training stopped at step 3" in err and "=nan" in err
    assert "last good checkpoint is step 2" in err and "netG_2_steps.pth" in err
    assert "--allow-change optG.lr" in err
    log = (run / "train.log").read_text()
    assert "training stopped at step 3" in log and "last good checkpoint is step 2" in log
    assert not os.path.exists(run / "checkpoints" / "netG" / "netG_3_steps.pth")

    # Following the advice without the explicit permission is refused, naming the key ...
    assert train(run, *save_every_step, "--set", "optG.lr=1e-4", "--set", "optD.lr=1e-4", steps=4) == 2
    assert "optG.param_groups.0.lr: saved 1000000000000.0, now 0.0001" in capsys.readouterr().err
    # ... and with it, the run continues from step 2 with the new rate, recorded in the history.
    assert train(run, *save_every_step, "--set", "optG.lr=1e-4", "--set", "optD.lr=1e-4",
                 "--allow-change", "optG.lr", "--allow-change", "optD.lr", steps=4) == 0
    hparams = json.loads((run / "hparams.json").read_text())
    assert hparams["optG"]["param_groups"][0]["lr"] == 1e-4 and hparams["optD"]["param_groups"][0]["lr"] == 1e-4
    history = hparams["history"]
    assert [entry["step"] for entry in history] == [2, 2]
    assert {c["key"]: (c["saved"], c["now"]) for c in history[1]["changes"]} == {
        "optD.param_groups.0.lr": (1e12, 1e-4), "optG.param_groups.0.lr": (1e12, 1e-4)}
    assert all(entry["time"].endswith("+00:00") for entry in history)
    ckpt = torch.load(run / "checkpoints" / "netG" / "netG_4_steps.pth", weights_only=True)
    group = ckpt["optimizer_state_dict"]["param_groups"][0]
    assert group["initial_lr"] == 1e-4 and group["lr"] == pytest.approx(0.0)  # linear decay from the new rate
    netG_3 = torch.load(run / "checkpoints" / "netG" / "netG_3_steps.pth", weights_only=True)
    assert netG_3["optimizer_state_dict"]["param_groups"][0]["lr"] == pytest.approx(1e-4 * (1 - 3 / 4))
