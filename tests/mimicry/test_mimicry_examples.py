"""The adapted Mimicry scripts in ``examples/mimicry`` run (a few steps on ``fake_data``), and differ
from torch-mimicry scripts only in their import lines."""
import os
import runpy
import sys

import pytest

from torch_gan_zoo.mimicry.metrics import _options
from helpers.paths import REPO

EXAMPLES = os.path.join(REPO, "examples", "mimicry")


def test_only_import_lines_name_this_library():
    for name in sorted(os.listdir(EXAMPLES)):
        if name.endswith(".py"):
            lines = open(os.path.join(EXAMPLES, name)).read().splitlines()
            ours = [line for line in lines if "torch_gan_zoo" in line]
            assert ours and all(line.startswith(("import torch_gan_zoo.mimicry as mmc",
                                                 "from torch_gan_zoo.mimicry.")) for line in ours), name


def test_quickstart_trains_then_evaluates(tmp_path, tiny, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(_options, "DEFAULT_OPTIONS", {"inception_weights": tiny, "batch_size": 32})
    runpy.run_path(os.path.join(EXAMPLES, "quickstart.py"), run_name="__main__")
    assert os.path.exists(tmp_path / "log" / "example" / "checkpoints" / "netG" / "netG_3_steps.pth")
    assert os.path.exists(tmp_path / "log" / "example" / "fid_0k_0k.json")
    monkeypatch.setattr(sys, "argv", ["eval_checkpoint.py"])
    runpy.run_path(os.path.join(EXAMPLES, "eval_checkpoint.py"), run_name="__main__")
    assert os.path.getsize(tmp_path / "log" / "example" / "samples.png") > 0


@pytest.mark.parametrize("script", ["ssgan_example.py"])
def test_training_examples_run(tmp_path, monkeypatch, script):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(os.path.join(EXAMPLES, script), run_name="__main__")
    assert os.path.isdir(tmp_path / "log")
