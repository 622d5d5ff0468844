"""The Fashion-MNIST benchmark's training loop: wall-clock caps, resumed budgets, per-seed grids."""
import json
import os

import pytest

from helpers.benchmarks import load_benchmark
from helpers.idx import fake_mnist

TINY = {"model": "dcgan", "resolution": 28, "num_steps": 3, "batch_size": 2, "n_dis": 1, "lr_decay": None,
        "model_kwargs": {"ngf": 4, "ndf": 4}}


@pytest.fixture
def bench(tmp_path, monkeypatch):
    module = load_benchmark("fashion_mnist")
    fake_mnist(tmp_path / "data", n=8)
    monkeypatch.setattr(module, "DATA", str(tmp_path / "data"))
    monkeypatch.setattr(module, "REPO", str(tmp_path / "repo"))  # grids go under tmp_path, not docs/
    monkeypatch.setattr(module, "_EMA", {})
    return module


def test_a_spent_wall_clock_budget_stops_training_unless_the_cap_is_dropped(tmp_path, bench):
    spec = {**TINY, "time_limit": 0.5}  # under a second left: the run only loads, trains at most one step
    trainer, timing = bench.train("capped", spec, str(tmp_path / "runs"), seed=0)
    assert timing["steps"] <= 1
    trainer, timing = bench.train("uncapped", spec, str(tmp_path / "runs"), seed=0, time_limited=False)
    assert timing["steps"] == 3 == trainer.global_step
    assert spec["time_limit"] == 0.5  # the recipe table is not modified
    recorded = json.load(open(tmp_path / "runs" / "uncapped" / "wall_time.json"))
    assert recorded["steps"] == 3 and recorded["seconds"] > 0


def test_grids_of_other_seeds_do_not_overwrite_the_reported_grid(tmp_path, bench):
    trainer, _ = bench.train("tiny", TINY, str(tmp_path / "runs"), seed=0, max_steps=1)
    reported = bench.save_grid("tiny", trainer)
    repeat = bench.save_grid("tiny", trainer, seed=2)
    assert reported.endswith("fashion_mnist_tiny.png") and repeat.endswith("fashion_mnist_tiny_seed2.png")
    assert (tmp_path / "repo" / "docs" / "images" / "fashion_mnist_tiny.png").is_file()
    assert (tmp_path / "repo" / "docs" / "images" / "fashion_mnist_tiny_seed2.png").is_file()


def test_an_interrupted_run_still_spends_its_wall_clock_budget(tmp_path, bench, monkeypatch):
    """Ctrl-C and resume must not restart the one-hour cap: the interrupted segment's seconds are kept."""
    import time

    def interrupted(config):
        time.sleep(0.2)
        raise KeyboardInterrupt("training interrupted at step 1; checkpoint saved")

    monkeypatch.setattr(bench, "run_config", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bench.train("tiny", {**TINY, "time_limit": 100}, str(tmp_path / "runs"), seed=0)
    spent = json.load(open(tmp_path / "runs" / "tiny" / "wall_time.json"))
    assert spent["seconds"] >= 0.2 and spent["steps"] == 0
    seen = {}

    def resumed(config):
        seen["time_limit"] = config["trainer_kwargs"]["time_limit"]
        raise KeyboardInterrupt

    monkeypatch.setattr(bench, "run_config", resumed)
    with pytest.raises(KeyboardInterrupt):
        bench.train("tiny", {**TINY, "time_limit": 100}, str(tmp_path / "runs"), seed=0)
    assert seen["time_limit"] <= 100 - 0.2
    assert json.load(open(tmp_path / "runs" / "tiny" / "wall_time.json"))["seconds"] >= 0.2


def test_an_interrupted_run_records_the_step_of_its_last_checkpoint(tmp_path, bench, monkeypatch):
    """After Ctrl-C, wall_time.json names the step the Trainer checkpointed, not the step the segment began at
    (stop 23: a resumed run printed "10427 new steps" for 5,840)."""
    from torch_gan_zoo.training.checkpoint import PARTS, CheckpointManager

    def interrupted(config):
        manager = CheckpointManager(config["log_dir"])
        for step in (2, 3):
            for part in PARTS:
                path = manager.path(part, step)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                open(path, "wb").close()
        raise KeyboardInterrupt("training interrupted at step 3; checkpoint saved")

    monkeypatch.setattr(bench, "run_config", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bench.train("tiny", {**TINY, "time_limit": 100}, str(tmp_path / "runs"), seed=0)
    assert json.load(open(tmp_path / "runs" / "tiny" / "wall_time.json"))["steps"] == 3
