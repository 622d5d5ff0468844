"""The Fashion-MNIST screening script: a named preset plus overrides under a short cap, then a small FID."""
import json

import pytest

from helpers.benchmarks import load_benchmark
from torch_gan_zoo.config import get_named_preset
from torch_gan_zoo.training.recipe import build_config

PRESET = "dcgan_fashion_mnist_1h"


@pytest.fixture(scope="module")
def screen():
    return load_benchmark("screen_fashion_mnist")


def test_a_screen_trains_the_preset_with_only_the_overrides_changed(screen):
    spec = screen.screen_spec(PRESET, ["model_kwargs.upsample=true", "optD.lr=4e-4"], 480)
    assert spec.pop("time_limit") == 480 and "evaluation" not in spec
    screened = build_config(spec.pop("model"), config={**spec, "dataset": "fashion_mnist"})
    preset = build_config(None, named_preset=PRESET)
    preset.pop("evaluation")
    changed = {key for key in preset if preset[key] != screened[key]}
    assert changed == {"model_kwargs", "optD"}
    assert screened["model_kwargs"] == {**preset["model_kwargs"], "upsample": True}
    assert screened["optD"] == {**preset["optD"], "lr": 4e-4}
    assert get_named_preset(PRESET)["config"]["model_kwargs"] == {"ngf": 128, "ndf": 128}  # the table is untouched


def test_the_in_training_evaluation_is_kept_on_request_with_the_benchmarks_inception(screen):
    spec = screen.screen_spec(PRESET, [], 60, keep_evaluation=True)
    assert spec["evaluation"]["every"] == 4000
    assert spec["evaluation"]["options"]["inception_weights"] == screen.fashion_mnist.evaluation_weights()


def test_bad_overrides_and_presets_are_refused_before_any_work(screen, monkeypatch, tmp_path):
    def no_training(*args, **kwargs):
        raise AssertionError("trained despite a bad argument")

    monkeypatch.setattr(screen.fashion_mnist, "train", no_training)
    with pytest.raises(ValueError, match="no named preset 'nope'"):
        screen.main(["--name", "x", "--preset", "nope", "--out-dir", str(tmp_path)])
    with pytest.raises(ValueError, match="not_a_key"):
        screen.main(["--name", "x", "--set", "not_a_key=1", "--out-dir", str(tmp_path)])
    with pytest.raises(ValueError, match="is not a Fashion-MNIST recipe"):
        screen.main(["--name", "x", "--set", "dataset=shapes", "--out-dir", str(tmp_path)])
    for bad in (["--cap", "0"], ["--cap", "-5"], ["--cap", "nan"], ["--num-samples", "1"]):
        with pytest.raises(SystemExit):
            screen.main(["--name", "x", *bad, "--out-dir", str(tmp_path)])
    assert not (tmp_path / "x").exists()


def test_a_screen_appends_its_record(screen, monkeypatch, tmp_path):
    class Trainer:
        pass

    seen = {}

    def train(name, spec, out_dir, seed):
        seen.update(name=name, spec=spec, out_dir=out_dir, seed=seed)
        return Trainer(), {"steps": 10, "seconds": 5.0}

    monkeypatch.setattr(screen.fashion_mnist, "train", train)
    monkeypatch.setattr(screen.fashion_mnist, "evaluate", lambda name, trainer, num, seed: 42.5 + num / 1e6)
    results = tmp_path / "screens.jsonl"
    for name in ("a", "b"):
        screen.main(["--name", name, "--cap", "30", "--num-samples", "100", "--set", "model_kwargs.upsample=true",
                     "--threads", "1", "--out-dir", str(tmp_path), "--results", str(results)])
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert [r["name"] for r in records] == ["a", "b"]
    assert records[0]["fid"] == 42.5 and records[0]["steps_per_sec"] == 2.0 and records[0]["num_samples"] == 100
    assert seen["spec"]["time_limit"] == 30 and seen["spec"]["model_kwargs"]["upsample"] is True
