"""The adaptations of torch-mimicry's README quick-start and example scripts in ``examples/mimicry``
run offline (a few steps on ``fake_data``) and name this library only in their import lines.

FID and KID use the tiny TorchScript stand-in and the Inception Score the random-weight Inception
(it needs the classifier), through ``torch_gan_zoo.mimicry.metrics._options.METRIC_OPTIONS``.
"""
import json
import os
import runpy

import numpy as np
import pytest

from torch_gan_zoo.mimicry.metrics import _options

from helpers.paths import REPO

EXAMPLES = os.path.join(REPO, "examples", "mimicry")
SCRIPTS = ["readme_quickstart.py", "sngan_example.py", "eval_pretrained.py", "ssgan_tutorial.py"]


def test_the_four_adaptations_are_there_and_only_import_lines_name_this_library():
    assert sorted(n for n in os.listdir(EXAMPLES) if n.endswith(".py")) == sorted(SCRIPTS)
    for name in SCRIPTS:
        text = open(os.path.join(EXAMPLES, name)).read()
        assert "torch-mimicry's" in text.split('"""')[1], f"{name} does not say which Mimicry file it adapts"
        ours = [line for line in text.splitlines() if "torch_gan_zoo" in line]
        assert ours and all(line.startswith(("import torch_gan_zoo.mimicry as mmc", "from torch_gan_zoo.mimicry."))
                            for line in ours), name
        assert "torch_mimicry" not in text.replace("torch-mimicry", "")


@pytest.fixture
def weights(tiny, inception, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(_options, "METRIC_OPTIONS", {"fid": {"inception_weights": tiny},
                                                    "kid": {"inception_weights": tiny},
                                                    "inception_score": {"inception_weights": inception}})
    return tmp_path


def _run(name):
    runpy.run_path(os.path.join(EXAMPLES, name), run_name="__main__")


def test_readme_quickstart_trains_and_evaluates_fid(weights):
    _run("readme_quickstart.py")
    assert os.path.exists(weights / "log" / "example" / "checkpoints" / "netG" / "netG_2_steps.pth")
    scores = json.load(open(weights / "log" / "example" / "fid_0k_0k.json"))
    assert list(scores) == ["2"] and len(scores["2"]) == 3 and all(np.isfinite(scores["2"]))


def test_sngan_example_then_eval_pretrained(weights):
    _run("sngan_example.py")
    log = weights / "log" / "example"
    for name in ("fid_0k_0k.json", "kid_0k.json", "inception_score_0k.json"):
        scores = json.load(open(log / name))
        assert len(scores["2"]) == 3 and all(np.isfinite(scores["2"])), name
    kid_protocol = json.load(open(log / "kid_0k_protocol.json"))["2"][0]
    assert kid_protocol["details"] == {"subsets": 2, "subset_size": 8}
    _run("eval_pretrained.py")
    example_log = weights / "examples" / "example_log"
    with np.load(example_log / "kid_stats.npz") as f:
        assert f["feat"].shape == (16, 2048)
    with np.load(example_log / "fid_stats.npz") as f:
        assert f["mu"].shape == (2048,)


def test_ssgan_tutorial_trains_its_own_classes_and_evaluates(weights):
    _run("ssgan_tutorial.py")
    assert os.path.exists(weights / "log" / "ssgan" / "checkpoints" / "netD" / "netD_2_steps.pth")
    assert len(json.load(open(weights / "log" / "ssgan" / "fid_0k_0k.json"))["2"]) == 3
