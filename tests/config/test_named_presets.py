"""Named presets: measured recipes run by name (``train --preset NAME``, ``build_config(named_preset=...)``)."""
import json

import pytest
import torch

from torch_gan_zoo import cli
from torch_gan_zoo.nets import create_model
from torch_gan_zoo.config import NAMED_PRESETS, get_named_preset, list_named_presets
from torch_gan_zoo.training.recipe import build_config, build_run_config
from helpers.benchmarks import load_benchmark
from helpers.idx import fake_mnist

NAME = "dcgan_fashion_mnist_1h"


def test_the_table_lists_the_one_hour_fashion_mnist_recipe_and_hands_out_copies():
    assert NAME in list_named_presets() and list_named_presets() == sorted(NAMED_PRESETS)
    preset = get_named_preset(NAME)
    assert set(preset) == {"description", "measured", "config"}
    preset["config"]["model_kwargs"]["ngf"] = 1
    assert get_named_preset(NAME)["config"]["model_kwargs"]["ngf"] == 128  # a copy, never the table's dict
    for name in list_named_presets():
        config = get_named_preset(name)["config"]
        assert config["model"] and config["dataset"]
        build_run_config(named_preset=name)  # every row is a valid run configuration


def test_unknown_names_are_refused_with_the_list():
    for bad in ("nope", None, 3):
        with pytest.raises(ValueError, match=f"named presets: {NAME}"):
            get_named_preset(bad)


def test_the_named_preset_sits_above_the_paper_preset_and_below_what_the_user_gives():
    run = build_run_config(named_preset=NAME)
    assert (run.model.name, run.model.resolution, run.data.dataset) == ("dcgan", 28, "fashion_mnist")
    assert (run.model.kwargs["ngf"], run.model.kwargs["ndf"]) == (128, 128)
    assert (run.schedule.num_steps, run.schedule.lr_decay, run.schedule.lr_decay_start) == (16000, "linear", 8000)
    assert run.optG.betas == [0.5, 0.999] and run.optD.lr == 2e-4 and run.model.loss_type == "ns"  # paper preset
    assert (run.evaluation.metrics, run.evaluation.select, run.evaluation.every) == (["fid"], "fid", 4000)
    flat = build_config(None, named_preset=NAME, config={"batch_size": 32}, overrides=["model_kwargs.ngf=64"],
                        num_steps=10)
    assert (flat["batch_size"], flat["num_steps"], flat["model_kwargs"]["ngf"], flat["model_kwargs"]["ndf"]) \
        == (32, 10, 64, 128)
    assert build_config("dcgan", named_preset=NAME)["model_kwargs"]["ngf"] == 128  # its own model is fine


def test_a_model_other_than_the_presets_is_refused():
    with pytest.raises(ValueError, match="trains model 'dcgan', not 'cdcgan'"):
        build_run_config("cdcgan", named_preset=NAME)
    with pytest.raises(ValueError, match="not 'sngan'"):
        build_run_config(named_preset=NAME, overrides=["model=sngan"])


@pytest.mark.parametrize("recipe, preset", [("dcgan_128_1h", NAME),
                                            ("dcgan_upsample_1h", "dcgan_upsample_fashion_mnist_1h")])
def test_the_benchmark_trains_exactly_the_named_preset(recipe, preset):
    bench = load_benchmark("fashion_mnist")
    spec = json.loads(json.dumps(bench.MODELS[recipe]))
    assert spec.pop("time_limit") == 3600
    if "evaluation" in spec:
        assert spec["evaluation"]["options"].pop("inception_weights") == bench.INCEPTION_STATE_DICT
    model = spec.pop("model")
    benchmark = build_config(model, config={**spec, "dataset": "fashion_mnist", "trainer_kwargs": bench._EMA})
    assert benchmark == build_config(None, named_preset=preset)


def test_the_upsampling_preset_builds_resize_convolutions_in_the_generator():
    run = build_run_config(named_preset="dcgan_upsample_fashion_mnist_1h")
    assert run.model.kwargs == {"ngf": 128, "ndf": 128, "upsample": True} and run.evaluation.metrics == []
    assert (run.schedule.num_steps, run.schedule.lr_decay, run.schedule.lr_decay_start) == (6000, "linear", 3000)
    flat = build_config(None, named_preset="dcgan_upsample_fashion_mnist_1h")
    netG, _ = create_model(flat["model"], flat["resolution"], **flat["model_kwargs"])
    assert any(isinstance(layer, torch.nn.Upsample) for layer in netG.modules())
    assert not any(isinstance(layer, torch.nn.ConvTranspose2d) for layer in netG.modules())


def test_train_preset_runs_by_name_and_models_lists_it(tmp_path, tiny, capsys):
    fake_mnist(str(tmp_path / "data" / "FashionMNIST" / "raw"), n=8)
    log_dir = tmp_path / "run"
    argv = ["train", "--preset", NAME, "--data-root", str(tmp_path / "data"), "--steps", "2", "--batch-size", "4",
            "--log-dir", str(log_dir), "--set", "model_kwargs.ngf=8", "--set", "model_kwargs.ndf=8",
            "--set", "lr_decay_start=1", "--set", "trainer_kwargs.progress=false",
            "--set", "evaluation.every=1", "--set", "evaluation.num_samples=8", "--set", "evaluation.batch_size=4",
            "--set", "evaluation.options=" + json.dumps({"inception_weights": tiny, "resolution": 28})]
    assert cli.main(argv) == 0
    config = json.loads((log_dir / "config.json").read_text())
    assert config["model"]["name"] == "dcgan" and config["data"]["dataset"] == "fashion_mnist"
    assert config["evaluation"]["select"] == "fid" and config["model"]["kwargs"]["ngf"] == 8
    best = json.loads((log_dir / "checkpoints" / "best" / "best.json").read_text())
    assert best["metric"] == "fid" and best["step"] in (1, 2)
    capsys.readouterr()
    assert cli.main(["models"]) == 0
    out = capsys.readouterr().out
    assert f"{NAME:<26} dcgan on fashion_mnist" in out


def test_train_preset_errors_name_the_problem(tmp_path, capsys):
    assert cli.main(["train", "--preset", "nope", "--log-dir", str(tmp_path / "x")]) == 2
    assert f"no named preset 'nope'; named presets: {NAME}" in capsys.readouterr().err
    assert cli.main(["train", "--preset", NAME, "--model", "cdcgan", "--log-dir", str(tmp_path / "y")]) == 2
    assert "trains model 'dcgan', not 'cdcgan'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_the_default_log_dir_is_named_after_the_preset(tmp_path, monkeypatch):
    calls = {}

    def fake_run_config(run, **kwargs):
        calls["log_dir"] = run.logging.log_dir
        raise SystemExit(0)

    monkeypatch.setattr("torch_gan_zoo.training.recipe.run_config", fake_run_config)
    with pytest.raises(SystemExit):
        cli.main(["train", "--preset", NAME])
    assert calls["log_dir"].replace("\\", "/") == f"log/{NAME}"
