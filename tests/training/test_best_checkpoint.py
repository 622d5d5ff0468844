"""The best checkpoint (issue 12): kept by the in-training evaluation's selected result, never rotated,
switched atomically, remembered across a resume, exported with ``step='best'``."""
import json
import math
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
import torch

from torch_gan_zoo import cli, zoo
from torch_gan_zoo.training import Evaluator
from torch_gan_zoo.training.best_checkpoint import BestCheckpoint, improves
from torch_gan_zoo.training.checkpoint import CheckpointManager
from torch_gan_zoo.utils.io import CheckpointError

from helpers.benchmarks import load_benchmark
from helpers.metrics import smooth_images
from helpers.paths import FIXTURES, REPO, TESTS
from helpers.training import make_trainer as _make_trainer, state_equal

#: The settings of tests/fixtures/old_cli_run (see its README).
TINY = ["--model", "dcgan", "--resolution", "32", "--dataset", "shapes", "--batch-size", "4", "--n-dis", "1",
        "--seed", "0", "--set", "model_kwargs.ngf=8", "--set", "model_kwargs.ndf=8",
        "--set", "dataset_kwargs.num_images=16", "--set", "trainer_kwargs.progress=false",
        "--set", "trainer_kwargs.vis_steps=100"]


def evaluation_flags(weights, metrics=("fid",), **options):
    """``--set`` flags of a tiny evaluation every step with the tiny pool3 extractor."""
    return ["--set", "evaluation.metrics=" + json.dumps(list(metrics)), "--set", "evaluation.num_samples=12",
            "--set", "evaluation.batch_size=6", "--set", "evaluation.num_real_samples=16",
            "--set", "evaluation.every=1", "--set", "evaluation.real=shapes",
            "--set", "evaluation.options=" + json.dumps({"inception_weights": weights, **options})]


class ScriptedEvaluator(Evaluator):
    """An Evaluator whose ``select`` result at its k-th call is ``values[k]`` (no Inception network), and
    which keeps a copy of each generator it was given (what the best checkpoint must hold)."""

    def __init__(self, values, metrics=("fid",), **kwargs):
        super().__init__(smooth_images(2, seed=0), metrics=metrics, every=1, num_samples=2, **kwargs)
        self.values = list(values)
        self.seen = []

    def check_ready(self):
        pass  # no Inception network

    def evaluate(self, netG, dist, device, *, standing_stats=None):
        self.seen.append({k: v.detach().clone() for k, v in netG.state_dict().items()})
        return {self.select: self.values[len(self.seen) - 1]}


def make_trainer(log_dir, num_steps, **kwargs):
    """A tiny Trainer (one D step per G step, 4 images a batch, no sample grids)."""
    return _make_trainer(log_dir, num_steps, **{"n_dis": 1, "batch_size": 4, "vis_steps": 100, **kwargs})


def pointer(log_dir):
    return json.loads((log_dir / "checkpoints" / "best" / "best.json").read_text())


def best_folders(log_dir):
    return sorted(n for n in os.listdir(log_dir / "checkpoints" / "best") if n.startswith("step_"))


def best_weights(log_dir, part="netG"):
    manager, step, _ = BestCheckpoint(log_dir).resolve()  # verifies the checksums
    return torch.load(manager.path(part, step), weights_only=True)["model_state_dict"]


def test_improves_compares_finite_values_by_mode():
    assert improves(3.0, None, "min") and improves(2.0, {"value": 3.0}, "min")
    assert not improves(3.0, {"value": 3.0}, "min") and not improves(4.0, {"value": 3.0}, "min")
    assert improves(4.0, {"value": 3.0}, "max") and not improves(2.0, {"value": 3.0}, "max")
    for bad in (math.nan, math.inf, -math.inf, None, "1.0", True):
        assert not improves(bad, None, "min") and not improves(bad, {"value": 3.0}, "max")
    with pytest.raises(ValueError, match="mode must be one of"):
        improves(1.0, None, "lower")


def test_select_defaults_validates_and_is_recorded():
    assert Evaluator("cifar10").select == "fid"
    assert (Evaluator("cifar10", metrics=["kid", "fid"]).select, Evaluator("cifar10", metrics="kid").select_mode) \
        == ("kid", "min")
    assert (Evaluator("cifar10", metrics="is").select, Evaluator("cifar10", metrics="is").select_mode) == ("is", "max")
    assert Evaluator("cifar10", metrics=["prdc"]).select == "coverage"
    assert Evaluator("cifar10", metrics=["fid", "prdc"], select="precision").select_mode == "max"
    with pytest.raises(ValueError, match=r"select='is' is not a result of the evaluator's metrics \['fid'\]; "
                                         r"choose one of \['fid'\]"):
        Evaluator("cifar10", metrics=["fid"], select="is")
    for bad in ("prdc", "FID", "lpips", 3):
        with pytest.raises(ValueError, match="is not a result of the evaluator's metrics"):
            Evaluator("cifar10", metrics=["fid", "prdc"], select=bad)
    assert Evaluator("cifar10", metrics=["fid", "kid"], select="kid").to_config()["select"] == "kid"


def test_best_is_saved_on_improvement_only_survives_rotation_and_skips_nan(tmp_path):
    values = [math.nan, 5.0, 3.0, 4.0, math.inf, 3.0]
    evaluator = ScriptedEvaluator(values)
    trainer = make_trainer(tmp_path, num_steps=6, evaluator=evaluator, save_steps=1, keep_checkpoints=1)
    result = trainer.train()
    assert result["best"] == {"step": 3, "metric": "fid", "value": 3.0}  # an equal value keeps the earlier step
    assert pointer(tmp_path) == {"format": 1, "step": 3, "metric": "fid", "value": 3.0, "mode": "min",
                                 "folder": best_folders(tmp_path)[0]}
    assert len(best_folders(tmp_path)) == 1  # the step-2 best was replaced, its folder deleted
    assert CheckpointManager(tmp_path).complete_steps() == [6]  # rotation kept one; the best is apart
    assert state_equal(best_weights(tmp_path), evaluator.seen[2])
    manager, step, _ = BestCheckpoint(tmp_path).resolve()
    assert manager.load_trainer_state(3)["best"] == {"step": 3, "metric": "fid", "value": 3.0, "mode": "min"}
    assert torch.load(manager.path("netD", 3), weights_only=True)["global_step"] == 3
    log = (tmp_path / "train.log").read_text()
    assert "[step 1] fid is nan: not kept as the best checkpoint" in log
    assert "[step 5] fid is inf: not kept" in log
    assert "[step 2] new best fid 5 (previous: none)" in log
    assert "[step 3] new best fid 3 (previous: 5 at step 2): saved to" in log
    assert log.count("new best") == 2


def test_a_run_whose_scores_are_all_nan_keeps_no_best(tmp_path):
    result = make_trainer(tmp_path, num_steps=2, evaluator=ScriptedEvaluator([math.nan, math.nan])).train()
    assert result["best"] is None and not (tmp_path / "checkpoints" / "best").exists()
    with pytest.raises(CheckpointError, match="has no best checkpoint"):
        zoo.export_run(str(tmp_path), str(tmp_path / "out"), step="best")


def test_inception_score_selects_the_highest(tmp_path):
    evaluator = ScriptedEvaluator([2.0, 5.0, 3.0], metrics=("is",))
    result = make_trainer(tmp_path, num_steps=3, evaluator=evaluator).train()
    assert result["best"] == {"step": 2, "metric": "is", "value": 5.0} and pointer(tmp_path)["mode"] == "max"
    assert state_equal(best_weights(tmp_path), evaluator.seen[1])


def test_a_real_tiny_evaluator_keeps_the_lowest_fid(tmp_path, tiny):
    evaluator = Evaluator(smooth_images(16, seed=1), every=1, num_samples=8, batch_size=8, inception_weights=tiny)
    result = make_trainer(tmp_path, num_steps=3, evaluator=evaluator, lr=2e-3).train()
    lines = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    best = min(lines, key=lambda line: line["fid"])
    assert len({line["fid"] for line in lines}) == 3  # the scores differ, so the choice means something
    assert result["best"] == {"step": best["step"], "metric": "fid", "value": best["fid"]}
    manager, step, _ = BestCheckpoint(tmp_path).resolve()
    assert step == best["step"] and manager.verify(step)


def test_the_best_value_survives_a_resume(tmp_path):
    first = make_trainer(tmp_path, num_steps=2, evaluator=ScriptedEvaluator([3.0, 5.0])).train()
    assert first["best"]["step"] == 1
    recorded = CheckpointManager(tmp_path).load_trainer_state(2)["best"]
    assert recorded == {"step": 1, "metric": "fid", "value": 3.0, "mode": "min"}
    kept = best_folders(tmp_path)
    second = make_trainer(tmp_path, num_steps=3, evaluator=ScriptedEvaluator([4.0])).train()
    assert second["best"] == first["best"] and best_folders(tmp_path) == kept  # 4 > 3: the earlier best stays
    third = make_trainer(tmp_path, num_steps=4, evaluator=ScriptedEvaluator([2.0])).train()
    assert third["best"] == {"step": 4, "metric": "fid", "value": 2.0} and best_folders(tmp_path) != kept
    # a resume that selects by another result starts afresh (its values are not comparable)
    fourth = make_trainer(tmp_path, num_steps=5, evaluator=ScriptedEvaluator([9.0], metrics=("is",))).train()
    assert fourth["best"] == {"step": 5, "metric": "is", "value": 9.0}
    assert "was selected by fid; this run selects by is" in (tmp_path / "train.log").read_text()


def test_a_best_saved_after_the_restored_checkpoint_is_not_replaced_by_a_worse_one(tmp_path):
    make_trainer(tmp_path, num_steps=3, evaluator=ScriptedEvaluator([5.0, 3.0, 1.0]), save_steps=2,
                 keep_checkpoints=None).train()
    assert pointer(tmp_path)["step"] == 3
    os.remove(CheckpointManager(tmp_path).path("trainer", 3))  # as if killed before step 3's checkpoint completed
    # step 2's checkpoint was written before step 2 was evaluated: its trainer state says best = 5.0 at step 1
    assert CheckpointManager(tmp_path).load_trainer_state(2)["best"]["value"] == 5.0
    result = make_trainer(tmp_path, num_steps=4, evaluator=ScriptedEvaluator([2.0, 1.5]), save_steps=2,
                          keep_checkpoints=None).train()  # resumes at step 2; best.json says 1.0 at step 3
    assert result["best"] == {"step": 3, "metric": "fid", "value": 1.0} and pointer(tmp_path)["step"] == 3


def test_a_failed_best_save_leaves_the_previous_best_intact(tmp_path, monkeypatch):
    import torch_gan_zoo.training.checkpoint as checkpoint_module

    trainer = make_trainer(tmp_path, num_steps=2, evaluator=ScriptedEvaluator([3.0, 2.0]))
    real_write = checkpoint_module.atomic_write_json

    def failing(path, obj):  # the checksum record of the second best (the nets are already written)
        if str(path).startswith(str(tmp_path / "checkpoints" / "best")) and obj["step"] == 2:
            raise OSError(28, "No space left on device")
        return real_write(path, obj)

    monkeypatch.setattr(checkpoint_module, "atomic_write_json", failing)
    with pytest.raises(OSError, match="No space left"):
        trainer.train()
    assert trainer.best["step"] == 1 and pointer(tmp_path)["step"] == 1
    assert len(best_folders(tmp_path)) == 1  # what the failed save wrote is gone
    assert state_equal(best_weights(tmp_path), trainer.evaluator.seen[0])


def test_a_kill_between_writing_the_best_and_switching_to_it_leaves_the_previous_best(tmp_path):
    """The process dies (os._exit) just before ``best.json`` would name the new folder: the previous best is
    what ``best.json`` names, it verifies and exports; the next start removes the unfinished folder."""
    script = textwrap.dedent(f"""
        import math, os, sys
        sys.path[:0] = [{REPO!r}, {TESTS!r}]
        import torch_gan_zoo.training.best_checkpoint as best
        from best_kill_helpers import run
        real = best.atomic_write_json
        calls = []
        def dying(path, obj):
            calls.append(path)
            if len(calls) == 2:
                os._exit(9)
            real(path, obj)
        best.atomic_write_json = dying
        run({str(tmp_path)!r})
    """)
    helper = tmp_path / "best_kill_helpers.py"
    helper.write_text(textwrap.dedent("""
        import torch
        from helpers.training import make_trainer
        from torch_gan_zoo.training import Evaluator

        class Scripted(Evaluator):
            def evaluate(self, netG, dist, device, *, standing_stats=None):
                self.calls += 1
                torch.save({k: v.clone() for k, v in netG.state_dict().items()}, f"{self.out}/seen_{self.calls}.pt")
                return {"fid": self.values[self.calls - 1]}

        def run(log_dir):
            evaluator = Scripted(torch.zeros(2, 3, 32, 32), every=1, num_samples=2)
            evaluator.values, evaluator.out, evaluator.calls = [3.0, 2.0], log_dir, 0
            make_trainer(log_dir + "/run", num_steps=2, evaluator=evaluator, save_steps=1, n_dis=1, batch_size=4,
                         vis_steps=100).train()
    """))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), REPO, TESTS])}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 9, done.stderr
    run = tmp_path / "run"
    assert pointer(run)["step"] == 1 and len(best_folders(run)) == 2  # step 2's folder is written, not named
    leftover = [name for name in best_folders(run) if name != pointer(run)["folder"]]
    assert state_equal(best_weights(run), torch.load(tmp_path / "seen_1.pt", weights_only=True))
    folder = zoo.export_run(str(run), str(tmp_path / "export"), step="best", include_discriminator=False)
    assert zoo.read_config(folder)["export"]["step"] == 1
    # Running again resumes the step-2 checkpoint (saved before the kill), whose trainer state says best = 3.0
    # at step 1; the start removes the unfinished folder, and step 2, evaluated again, becomes the best.
    evaluator = ScriptedEvaluator([2.0])
    result = make_trainer(run, num_steps=2, evaluator=evaluator, save_steps=1).train()
    assert result["best"] == {"step": 2, "metric": "fid", "value": 2.0}
    assert len(best_folders(run)) == 1 and leftover[0] not in best_folders(run)
    assert state_equal(best_weights(run), torch.load(tmp_path / "seen_2.pt", weights_only=True))


def test_export_best_from_python_and_the_cli_is_the_best_steps_generator(tmp_path, capsys):
    run = tmp_path / "run"
    make_trainer(run, num_steps=3, evaluator=ScriptedEvaluator([5.0, 3.0, 4.0]), ema_decay=0.5,
                 keep_checkpoints=None, save_steps=1).train()
    stats = {"num_batches": 2, "batch_size": 8, "seed": 1}
    best = zoo.export_run(str(run), str(tmp_path / "best"), step="best", stats=stats, include_discriminator=False)
    same = zoo.export_run(str(run), str(tmp_path / "step2"), step=2, stats=stats, include_discriminator=False)
    later = zoo.export_run(str(run), str(tmp_path / "step3"), step=3, stats=stats, include_discriminator=False)
    loaded = zoo.load(best)
    assert state_equal(loaded.state_dict(), zoo.load(same).state_dict())
    assert not state_equal(loaded.state_dict(), zoo.load(later).state_dict())
    export = zoo.read_config(best)["export"]
    assert export["source"] == "netG_ema" and export["step"] == 2
    assert export["best"] == {"metric": "fid", "value": 3.0}

    out = tmp_path / "cli"
    assert cli.main(["export", "--run", str(run), "--out", str(out), "--step", "best"]) == 0
    printed = capsys.readouterr().out
    assert "exported netG_ema of step 2" in printed and "(the best checkpoint: fid 3)" in printed
    reference = zoo.export_run(str(run), str(tmp_path / "cli_ref"), step=2)  # the CLI's default statistics
    assert state_equal(zoo.load(str(out)).state_dict(), zoo.load(reference).state_dict())
    with pytest.raises(SystemExit):
        cli.main(["export", "--run", str(run), "--out", str(tmp_path / "x"), "--step", "newest"])
    assert "must be a step number or 'best'" in capsys.readouterr().err
    with pytest.raises(ValueError, match="step must be a step number, None or 'best'"):
        zoo.export_run(str(run), str(tmp_path / "y"), step="2")

    # a changed file of the best checkpoint is refused, naming it
    manager, step, _ = BestCheckpoint(run).resolve()
    with open(manager.path("netG_ema", step), "r+b") as f:
        f.seek(-1, os.SEEK_END)
        last = f.read(1)
        f.seek(-1, os.SEEK_END)
        f.write(bytes([last[0] ^ 0xFF]))
    with pytest.raises(CheckpointError, match="netG_ema_2_steps.pth"):
        zoo.export_run(str(run), str(tmp_path / "z"), step="best")


def test_evaluation_select_in_the_run_config_and_an_old_run_resumes_with_it(tmp_path, tiny, capsys):
    run = tmp_path / "run"
    assert cli.main(["train", "--steps", "2", "--log-dir", str(run), *TINY,
                     *evaluation_flags(tiny, ("fid", "kid"), subset_size=4, subsets=2),
                     "--set", "evaluation.select=kid"]) == 0
    assert json.loads((run / "config.json").read_text())["evaluation"]["select"] == "kid"
    assert json.loads((run / "hparams.json").read_text())["logging"]["evaluation"]["select"] == "kid"
    lines = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert pointer(run)["metric"] == "kid" and pointer(run)["value"] == min(line["kid"] for line in lines)
    again = tmp_path / "again"  # config.json re-runs it, select included
    assert cli.main(["train", "--config", str(run / "config.json"), "--log-dir", str(again)]) == 0
    assert pointer(again) == {**pointer(run), "folder": pointer(again)["folder"]}

    capsys.readouterr()
    assert cli.main(["train", "--steps", "2", "--log-dir", str(tmp_path / "bad"), *TINY, *evaluation_flags(tiny),
                     "--set", "evaluation.select=is"]) == 2
    assert "select='is' is not a result of the evaluator's metrics ['fid']" in capsys.readouterr().err
    assert cli.main(["train", "--steps", "2", "--log-dir", str(tmp_path / "bad"), *TINY,
                     "--set", "evaluation.select=fdi"]) == 2
    assert "evaluation.select must be one of 'fid'" in capsys.readouterr().err

    old = tmp_path / "old"  # written before evaluation.select and the best checkpoint existed
    shutil.copytree(os.path.join(FIXTURES, "old_cli_run"), old)
    assert cli.main(["train", "--steps", "2", "--log-dir", str(old), *TINY, *evaluation_flags(tiny),
                     "--set", "evaluation.select=fid"]) == 0
    assert "resumed from step 1" in (old / "train.log").read_text()
    assert pointer(old)["step"] == 2 and json.loads((old / "config.json").read_text())["evaluation"]["select"] == "fid"


def test_the_trainer_state_keeps_the_best_value_when_best_json_is_unreadable(tmp_path):
    make_trainer(tmp_path, num_steps=2, evaluator=ScriptedEvaluator([3.0, 5.0])).train()
    kept = best_folders(tmp_path)
    (tmp_path / "checkpoints" / "best" / "best.json").write_text("{")
    result = make_trainer(tmp_path, num_steps=3, evaluator=ScriptedEvaluator([4.0])).train()
    assert result["best"] == {"step": 1, "metric": "fid", "value": 3.0}  # from the trainer state: 4 is worse
    assert best_folders(tmp_path) == kept  # nothing is deleted while best.json cannot be read
    assert "ignoring the best checkpoint" in (tmp_path / "train.log").read_text()
    with pytest.raises(CheckpointError, match="best.json is unreadable"):
        BestCheckpoint(tmp_path).resolve()
    result = make_trainer(tmp_path, num_steps=4, evaluator=ScriptedEvaluator([1.0])).train()
    assert result["best"]["step"] == 4 and pointer(tmp_path)["step"] == 4 and len(best_folders(tmp_path)) == 1


def test_best_of_keeps_the_best_record_of_the_selected_metric():
    from torch_gan_zoo.training.best_checkpoint import best_of

    fid = [{"step": s, "metric": "fid", "value": v, "mode": "min"} for s, v in ((1, 3.0), (2, 2.0), (3, 2.0))]
    inception = {"step": 4, "metric": "is", "value": 9.0, "mode": "max"}
    assert best_of([None, fid[0], fid[1], fid[2]]) == (fid[1], [])  # of equal values the first stays
    assert best_of([fid[0], inception], ("is", "max")) == (inception, [fid[0]])
    assert best_of([fid[0], inception]) == (fid[0], [inception])
    assert best_of([None, None], ("fid", "min")) == (None, [])
    with pytest.raises(CheckpointError, match="'value' must be a finite number"):
        best_of([{**fid[0], "value": math.nan}])


def test_the_fashion_mnist_benchmark_reports_the_best_checkpoint_and_scores_it_when_not_final(tmp_path, monkeypatch):
    bench = load_benchmark("fashion_mnist")
    scored = []

    def fake_fid(netG, num_samples, seed):
        scored.append((netG.training, num_samples, seed))
        return 7.0

    monkeypatch.setattr(bench, "fid_of", fake_fid)
    earlier = make_trainer(tmp_path / "earlier", num_steps=2, evaluator=ScriptedEvaluator([3.0, 5.0]))
    earlier.train()
    assert bench.evaluate_best(earlier, 10, 1) == {"step": 1, "metric": "fid", "value": 3.0, "fid": 7.0}
    assert scored == [(False, 10, 1)]  # the exported best generator, in eval mode
    assert zoo.read_config(tmp_path / "earlier" / "pretrained_best")["export"]["step"] == 1
    final = make_trainer(tmp_path / "final", num_steps=2, evaluator=ScriptedEvaluator([5.0, 3.0]))
    final.train()
    assert bench.evaluate_best(final, 10, 1) == {"step": 2, "metric": "fid", "value": 3.0}  # the final step's FID
    assert len(scored) == 1
    plain = make_trainer(tmp_path / "plain", num_steps=1)
    plain.train()
    assert bench.evaluate_best(plain, 10, 1) is None
