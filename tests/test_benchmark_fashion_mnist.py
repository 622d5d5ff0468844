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


@pytest.fixture
def run_main(tmp_path, bench, monkeypatch):
    """``run_main(seed)``: the benchmark's ``main()`` on recipe ``tiny`` for one step, its FID faked as
    ``10 + seed``, into ``tmp_path/results.json`` and ``tmp_path/runs``."""
    import torch

    class Score(float):
        def as_dict(self):
            return {"fid": float(self)}

    inception = tmp_path / "inception.pt"
    inception.write_bytes(b"")
    monkeypatch.setattr(bench, "MODELS", {"tiny": TINY})
    monkeypatch.setattr(bench, "INCEPTION", str(inception))
    monkeypatch.setattr(bench, "evaluate", lambda name, trainer, num_samples, seed: Score(10.0 + seed))
    monkeypatch.setattr(bench, "evaluate_best", lambda trainer, num_samples, seed: None)

    def run(seed):
        bench.main(["--models", "tiny", "--seed", str(seed), "--steps", "1", "--out-dir", str(tmp_path / "runs"),
                    "--results", str(tmp_path / "results.json"), "--threads", str(torch.get_num_threads())])
    return run


def test_a_seed_repeat_gets_its_own_results_entry_and_run_folder(tmp_path, bench, run_main):
    """``--seed 1`` must neither overwrite the reported (seed 0) result nor try to resume the seed-0 run."""
    for seed in (0, 1):
        run_main(seed)
    saved = json.load(open(tmp_path / "results.json"))
    assert set(saved) == {"tiny", "tiny_seed1"}
    assert (saved["tiny"]["fid"], saved["tiny"]["seed"]) == (10.0, 0)
    assert (saved["tiny_seed1"]["fid"], saved["tiny_seed1"]["seed"], saved["tiny_seed1"]["recipe"]) == (11.0, 1, "tiny")
    assert saved["tiny_seed1"]["grid"].endswith("fashion_mnist_tiny_seed1.png")
    for run in ("tiny", "tiny_seed1"):
        assert json.load(open(tmp_path / "runs" / run / "wall_time.json"))["steps"] == 1
    assert bench.seed_spread(saved, "tiny") == {"seeds": [0, 1], "fids": [10.0, 11.0], "mean": 10.5, "min": 10.0,
                                                "max": 11.0, "range": 1.0}


def test_the_seed_spread_needs_two_seeds_of_the_same_recipe(bench):
    results = {"tiny": {"seed": 0, "fid": 16.0}, "tiny_2": {"seed": 0, "fid": 1.0},
               "other_seed1": {"seed": 1, "fid": 2.0}}
    assert bench.seed_spread(results, "tiny") is None
    results["tiny_seed2"] = {"seed": 2, "fid": 17.0}
    results["tiny_seed1"] = {"seed": 1, "fid": 15.5}
    spread = bench.seed_spread(results, "tiny")
    assert spread["seeds"] == [0, 1, 2] and spread["fids"] == [16.0, 15.5, 17.0]
    assert (spread["mean"], spread["min"], spread["max"], spread["range"]) == (16.167, 15.5, 17.0, 1.5)


def test_the_seed_spread_reads_seeds_from_the_keys_of_entries_that_predate_the_seed_field(bench):
    """dcgan_128_1h's reported entry has no "seed" field: a repeat of that recipe once crashed (KeyError) after
    its hour of training and its evaluation, before its result was written."""
    results = {"tiny": {"fid": 16.0}, "tiny_seed1": {"fid": 15.5}, "tiny_seed2": {"seed": 2, "fid": 17.0},
               "tiny_seedx": {"fid": 1.0}, "tiny_seed3": {"seed": 3, "fid": None}}
    spread = bench.seed_spread(results, "tiny")
    assert spread["seeds"] == [0, 1, 2] and spread["fids"] == [16.0, 15.5, 17.0]
    assert [bench.seed_of(key, "tiny") for key in ("tiny", "tiny_seed12", "tiny_seedx", "tiny_2", "tin")] == \
        [0, 12, None, None, None]


def test_a_failing_spread_report_does_not_lose_the_run_s_result(tmp_path, bench, run_main, monkeypatch):
    """The result is written before anything else runs on it (here the seed spread, made to fail)."""
    def broken(results, name):
        raise KeyError("seed")

    monkeypatch.setattr(bench, "seed_spread", broken)
    with pytest.raises(KeyError):
        run_main(1)
    assert json.load(open(tmp_path / "results.json"))["tiny_seed1"]["fid"] == 11.0


@pytest.mark.parametrize("argv, named", [(["--num-samples", "1"], "--num-samples"), (["--threads", "0"], "--threads"),
                                         (["--steps", "0"], "--steps"), (["--seed", "-1"], "--seed"),
                                         (["--threads", "two"], "--threads")])
def test_bad_arguments_are_refused_before_any_training(bench, monkeypatch, capsys, argv, named):
    def must_not_train(*args, **kwargs):
        raise AssertionError("trained despite a bad argument")

    monkeypatch.setattr(bench, "train", must_not_train)
    with pytest.raises(SystemExit) as exit_info:
        bench.main(["--models", "dcgan_upsample_1h", *argv])
    assert exit_info.value.code == 2 and named in capsys.readouterr().err


def test_two_runs_sharing_a_results_file_keep_each_other_s_entry(tmp_path, bench, run_main, monkeypatch):
    """A run reads the results file again when it records: an entry another process added during its hour of
    training (here: while it evaluates) is kept, not overwritten with the copy read at start-up."""
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"old": {"fid": 30.0}}))
    faked = bench.evaluate

    def evaluate_while_another_run_records(name, trainer, num_samples, seed):
        bench.record_result(str(results), "other_seed5", {"seed": 5, "fid": 20.0})
        return faked(name, trainer, num_samples, seed)

    monkeypatch.setattr(bench, "evaluate", evaluate_while_another_run_records)
    run_main(1)
    saved = json.load(open(results))
    assert set(saved) == {"old", "other_seed5", "tiny_seed1"}
    assert (saved["old"]["fid"], saved["other_seed5"]["fid"], saved["tiny_seed1"]["fid"]) == (30.0, 20.0, 11.0)


@pytest.mark.parametrize("content, named", [('{"tiny": {"fid": 1', "cannot be read as JSON"),
                                            ("[1, 2]", "holds a list")])
def test_a_corrupt_results_file_is_refused_before_any_training(tmp_path, bench, run_main, monkeypatch, content,
                                                                named):
    results = tmp_path / "results.json"
    results.write_text(content)

    def must_not_train(*args, **kwargs):
        raise AssertionError("trained although the result could not be recorded")

    monkeypatch.setattr(bench, "train", must_not_train)
    with pytest.raises(SystemExit, match=named):
        run_main(0)
    assert results.read_text() == content  # left as it was, for the user to mend
