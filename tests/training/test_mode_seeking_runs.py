"""Mode seeking in run configurations: the string and dict forms of ``regularizers`` route it to the generator,
hparams.json and config.json record it, config.json re-runs bit-identically, a resume with another weight is
refused unless allowed, it is refused where it cannot apply, and the cdcgan preset turns it on."""
import json
import math
import os

import pytest
import torch

from torch_gan_zoo import cli, nets
from torch_gan_zoo.config.presets import get_preset
from torch_gan_zoo.losses import GradientPenalty, ModeSeekingRegularizer, R1Penalty
from torch_gan_zoo.training.recipe import attach_techniques, build_run_config, run_config

TINY = ["--resolution", "32", "--dataset", "shapes", "--batch-size", "4", "--n-dis", "1", "--seed", "0",
        "--set", "model_kwargs.ngf=8", "--set", "model_kwargs.ndf=8", "--set", "dataset_kwargs.num_images=16",
        "--set", "trainer_kwargs.progress=false", "--set", "trainer_kwargs.vis_steps=100",
        "--set", "trainer_kwargs.log_steps=1"]


def train(log_dir, *extra, model="dcgan", steps=2):
    return cli.main(["train", "--steps", str(steps), "--log-dir", str(log_dir), "--model", model, *TINY, *extra])


def generator_weights(log_dir, step):
    ckpt = torch.load(os.path.join(log_dir, "checkpoints", "netG", f"netG_{step}_steps.pth"), weights_only=True)
    return ckpt["model_state_dict"]


@pytest.mark.parametrize("value, weight, d_regularizers", [
    ("mode_seeking", 1.0, []),
    ("r1,mode_seeking", 1.0, [R1Penalty]),
    ({"name": "mode_seeking", "weight": 2.0}, 2.0, []),
    ([{"name": "mode_seeking", "weight": 2.0}, {"name": "gp"}], 2.0, [GradientPenalty]),
])
def test_string_and_dict_forms_route_mode_seeking_to_the_generator(value, weight, d_regularizers):
    override = value if isinstance(value, str) else json.dumps(value)
    config = build_run_config("dcgan", overrides=[f"regularizers={override}"])
    assert config.regularizers == value
    torch.manual_seed(0)
    netG, netD = nets.create_model("dcgan", 32, ngf=8, ndf=8)
    attach_techniques(netD, {"regularizers": config.regularizers}, netG=netG)
    assert isinstance(netG.mode_seeking, ModeSeekingRegularizer) and netG.mode_seeking.weight == weight
    assert [type(r) for r in netD.regularizers] == d_regularizers


def test_refused_where_it_cannot_apply():
    torch.manual_seed(0)
    netG, netD = nets.create_model("dcgan", 32, ngf=8, ndf=8)
    with pytest.raises(ValueError, match="'mode_seeking' acts on the generator: pass netG"):
        attach_techniques(netD, {"regularizers": "mode_seeking"})
    with pytest.raises(ValueError, match="needs a torch_gan_zoo BaseGenerator"):
        attach_techniques(netD, {"regularizers": "mode_seeking"}, netG=torch.nn.Linear(2, 2))
    with pytest.raises(ValueError, match="unknown regularizer 'mode_seek'"):
        attach_techniques(netD, {"regularizers": "mode_seek"}, netG=netG)
    with pytest.raises(ValueError, match="weight must be a number >= 0"):
        attach_techniques(netD, {"regularizers": {"name": "mode_seeking", "weight": -1}}, netG=netG)


def test_recorded_in_hparams_and_config_json_and_re_runs_bit_identically(tmp_path):
    first = tmp_path / "first"
    assert train(first, "--set", "regularizers=r1,mode_seeking") == 0
    config = json.loads((first / "config.json").read_text())
    hparams = json.loads((first / "hparams.json").read_text())
    assert config["regularizers"] == "r1,mode_seeking"
    assert hparams["netG"]["regularizers"] == [{"name": "mode_seeking", "weight": 1.0}]
    assert [r["name"] for r in hparams["netD"]["regularizers"]] == ["r1"]
    assert "mode_seeking" in (first / "train.log").read_text()  # the logged term

    second = tmp_path / "second"
    assert cli.main(["train", "--config", str(first / "config.json"), "--log-dir", str(second)]) == 0
    assert json.loads((second / "hparams.json").read_text())["netG"] == hparams["netG"]
    a, b = generator_weights(first, 2), generator_weights(second, 2)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    plain = tmp_path / "plain"  # and mode seeking changed the training
    assert train(plain, "--set", "regularizers=r1") == 0
    c = generator_weights(plain, 2)
    assert any(not torch.equal(a[k], c[k]) for k in a)


def test_a_resume_with_another_weight_is_refused_unless_allowed(tmp_path, capsys):
    run = tmp_path / "run"
    assert train(run, "--set", 'regularizers=[{"name": "mode_seeking", "weight": 1.0}]', steps=1) == 0
    capsys.readouterr()
    changed = ["--set", 'regularizers=[{"name": "mode_seeking", "weight": 0.5}]']
    assert train(run, *changed, steps=2) == 2
    assert "netG.regularizers" in capsys.readouterr().err
    assert not os.path.exists(run / "checkpoints" / "netG" / "netG_2_steps.pth")
    assert train(run, steps=2) == 2  # dropping it is a change too
    assert "netG.regularizers" in capsys.readouterr().err
    assert train(run, *changed, "--allow-change", "regularizers", steps=2) == 0
    hparams = json.loads((run / "hparams.json").read_text())
    assert hparams["netG"]["regularizers"] == [{"name": "mode_seeking", "weight": 0.5}]
    assert [c["key"].startswith("netG.regularizers") for c in hparams["history"][-1]["changes"]] == [True]


def test_the_cdcgan_preset_turns_it_on_in_a_tiny_run(tmp_path):
    preset = get_preset("cdcgan")
    assert preset["regularizers"] == [{"name": "mode_seeking", "weight": 1.0}]
    assert "Mao et al., CVPR 2019" in preset["paper"] and "ignore z" in preset["paper"]
    result = run_config(build_run_config(
        "cdcgan", dataset="shapes", resolution=28, num_steps=2, batch_size=6, seed=0, log_dir=str(tmp_path),
        device="cpu", model_kwargs={"ngf": 8, "ndf": 8}, dataset_kwargs={"num_images": 12},
        trainer_kwargs={"progress": False, "vis_steps": 100, "log_steps": 1}))
    netG = result["trainer"].netG
    assert netG.mode_seeking is not None and netG.mode_seeking.weight == 1.0
    assert result["config"].regularizers == [{"name": "mode_seeking", "weight": 1.0}]
    assert json.loads((tmp_path / "hparams.json").read_text())["netG"]["regularizers"] == [
        {"name": "mode_seeking", "weight": 1.0}]
    assert math.isfinite(result["metrics"]["mode_seeking"]) and result["metrics"]["mode_seeking"] > 0
