"""Metrics during training: the Evaluator alone, in the Trainer, and sharded across 2 DDP processes."""
import json
import os

import pytest
import torch

from torch_gan_zoo import metrics, nets
from torch_gan_zoo.training import Evaluator
from torch_gan_zoo.training.distributed import DistributedContext

from helpers.metrics import random_inception_file, smooth_images, tiny_torchscript_file
from helpers.distributed import run_worker
from helpers.training import make_trainer
from helpers.values import assert_refuses_bad_ints

CPU = DistributedContext(device=torch.device("cpu"))


@pytest.fixture
def tiny_weights(tmp_path_factory):
    return tiny_torchscript_file(str(tmp_path_factory.mktemp("weights")))


def _generated(evaluator, netG):
    netG.eval()
    return torch.cat([evaluator._generate_chunk(netG, k, n, torch.device("cpu")) for k, n in evaluator._chunks()])


def test_evaluator_scores_equal_the_metric_functions_on_the_same_images(tiny_weights, tiny_pair):
    netG, _ = tiny_pair("dcgan", 32)
    real = smooth_images(40, seed=1)
    evaluator = Evaluator(real, metrics=("fid", "kid", "prdc"), num_samples=30, batch_size=8, seed=3,
                          inception_weights=tiny_weights, subset_size=10, subsets=5, nearest_k=3)
    results = evaluator.evaluate(netG, CPU, "cpu")
    assert netG.training  # mode restored
    fake = _generated(evaluator, netG)
    assert fake.shape == (30, 3, 32, 32)
    common = dict(inception_weights=tiny_weights, device="cpu", seed=3)
    assert results["fid"] == pytest.approx(float(metrics.compute_fid(real, fake, **common)), rel=1e-9)
    expected_prdc = metrics.compute_prdc(real, fake, nearest_k=3, **common)
    for key in ("precision", "recall", "density", "coverage"):
        assert results[key] == pytest.approx(expected_prdc[key])
    assert results["kid"] > -1 and results["kid_std"] >= 0
    assert evaluator.evaluate(netG, CPU, "cpu") == results  # seeded: the same weights give the same scores


def test_inception_score_during_training(tmp_path):
    weights = random_inception_file(str(tmp_path), seed=0)
    netG, _ = nets.create_model("dcgan", 32, ngf=16, ndf=16)
    evaluator = Evaluator(smooth_images(12, seed=2), metrics="is", num_samples=12, batch_size=6,
                          inception_weights=weights, splits=2)
    results = evaluator.evaluate(netG, CPU, "cpu")
    assert set(results) == {"is", "is_std"} and results["is"] >= 1.0


def test_evaluator_validates_its_arguments():
    with pytest.raises(ValueError, match="unknown evaluation metric"):
        Evaluator("cifar10", metrics=("fid", "lpips"))
    with pytest.raises(ValueError, match="every must be a positive int"):
        Evaluator("cifar10", every=0)
    with pytest.raises(ValueError, match="num_samples must be >= 2"):
        Evaluator("cifar10", num_samples=1)
    for name in ("every", "num_samples", "batch_size"):
        assert_refuses_bad_ints(lambda v, name=name: Evaluator("cifar10", **{name: v}), name)
    assert_refuses_bad_ints(lambda v: Evaluator("cifar10", num_real_samples=v), "num_real_samples", or_none=True)
    config = Evaluator("cifar10", root="/data", num_samples=100, subsets=10).to_config()
    assert config["real"] == "cifar10" and config["options"] == {"root": "/data"} and config["subsets"] == 10


def test_trainer_evaluates_every_n_steps_and_at_the_end(tmp_path, tiny_weights):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    evaluator = Evaluator(smooth_images(20, seed=1), every=2, num_samples=16, batch_size=8,
                          inception_weights=tiny_weights)
    trainer = make_trainer(tmp_path, num_steps=3, evaluator=evaluator, ema_decay=0.9)
    result = trainer.train()
    lines = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert [line["step"] for line in lines] == [2, 3] and all(line["fid"] > 0 for line in lines)
    assert result["evaluation"] == lines[-1]
    assert "evaluation: fid" in (tmp_path / "train.log").read_text()
    events = EventAccumulator(str(tmp_path / "tensorboard"))
    events.Reload()
    assert [e.step for e in events.Scalars("metrics/fid")] == [2, 3]
    hparams = json.loads((tmp_path / "hparams.json").read_text())
    assert hparams["logging"]["evaluation"]["every"] == 2
    with pytest.raises(ValueError, match="no evaluator"):
        make_trainer(tmp_path / "other", num_steps=1).evaluate()


@pytest.mark.slow
def test_two_processes_give_the_same_score_as_one(tmp_path, tiny_weights):
    os.environ["TGZ_TEST_EVAL_WEIGHTS"] = tiny_weights
    try:
        ranks = run_worker("evaluate", tmp_path / "run", tmp_path / "out", 2, nproc=2)
    finally:
        del os.environ["TGZ_TEST_EVAL_WEIGHTS"]
    ddp_fid = ranks[0]["evaluation"]["fid"]
    assert ranks[1]["evaluation"]["fid"] == ddp_fid  # every rank gets the result
    best = tmp_path / "run" / "checkpoints" / "best"  # rank 0 alone wrote the best checkpoint, once
    assert json.loads((best / "best.json").read_text())["value"] == ddp_fid
    assert len([name for name in os.listdir(best) if name.startswith("step_2_")]) == 1
    netG = nets.BaseModel.from_checkpoint(str(tmp_path / "run" / "checkpoints" / "netG" / "netG_2_steps.pth"))
    netG.train()
    torch.manual_seed(0)
    real = torch.rand(64, 3, 32, 32) * 2 - 1  # the worker's data
    single = Evaluator(real, num_samples=30, batch_size=4, inception_weights=tiny_weights).evaluate(netG, CPU, "cpu")
    assert single["fid"] == pytest.approx(ddp_fid, rel=1e-9, abs=1e-9)


def test_the_ema_generator_is_scored_as_exported_and_the_fid_is_the_folders(tmp_path, fresh_home):
    """The run's FID at the final step is the FID of ``zoo.load(export folder)``: the Evaluator scores a copy
    of the EMA generator with standing statistics (the export's settings), and leaves the EMA untouched."""
    from torch_gan_zoo import zoo
    from helpers.training import state_equal

    weights = random_inception_file(str(tmp_path), seed=0)
    real = smooth_images(10, seed=1)
    settings = dict(num_samples=8, batch_size=4, seed=5, inception_weights=weights)
    stats = {"num_batches": 2, "batch_size": 8, "seed": 1}
    trainer = make_trainer(tmp_path / "run", num_steps=2, ema_decay=0.5, evaluator=Evaluator(real, every=100,
                           **settings), export_pretrained={"stats": stats, "include_discriminator": False})
    result = trainer.train()
    line = json.loads((tmp_path / "run" / "metrics.jsonl").read_text().splitlines()[-1])
    assert line["step"] == 2 and line["generator"] == "ema+standing_stats" and line["standing_stats"] == stats
    assert result["evaluation"] == line
    hparams = json.loads((tmp_path / "run" / "hparams.json").read_text())
    assert hparams["logging"]["evaluation"]["generator"] == "ema+standing_stats"

    loaded = zoo.load(result["pretrained"])
    fresh = Evaluator(real, **settings)
    assert fresh.evaluate(loaded, CPU, "cpu")["fid"] == line["fid"]
    images = _generated(fresh, loaded)
    assert float(metrics.compute_fid(real, images, inception_weights=weights, device="cpu")) == pytest.approx(
        line["fid"], rel=1e-9)

    shadow = {k: v.clone() for k, v in trainer.netG_ema.state_dict().items()}
    assert trainer.evaluate()["fid"] == line["fid"]  # again: the same score, and the EMA is untouched
    assert state_equal(trainer.netG_ema.state_dict(), shadow)
    assert fresh.evaluate(trainer.netG_ema, CPU, "cpu")["fid"] != line["fid"]  # without standing statistics
    assert fresh.evaluate(trainer.netG_ema, CPU, "cpu", standing_stats=stats)["fid"] == line["fid"]
    with pytest.raises(ValueError, match="unknown standing-statistics"):
        fresh.evaluate(trainer.netG_ema, CPU, "cpu", standing_stats={"batches": 2})


def test_evaluating_leaves_training_bit_identical(tmp_path, tiny_weights, fresh_home):
    """Scoring every step (reference statistics computed afresh, EMA copies re-estimated) changes nothing
    that training computes: the same weights, EMA and optimiser states as a run without evaluation."""
    from helpers.training import state_equal

    evaluator = Evaluator("shapes", every=1, num_samples=8, num_real_samples=12, batch_size=4,
                          inception_weights=tiny_weights)  # a dataset name: loading it draws random numbers
    runs = [make_trainer(tmp_path / name, num_steps=3, ema_decay=0.5, evaluator=e)
            for name, e in (("scored", evaluator), ("plain", None))]
    for trainer in runs:
        trainer.train()
    scored, plain = runs
    assert scored.last_evaluation["generator"] == "ema+standing_stats"
    for part in ("netG", "netD", "netG_ema"):
        assert state_equal(getattr(scored, part).state_dict(), getattr(plain, part).state_dict()), part
    assert state_equal(scored.optG.state_dict()["state"][0], plain.optG.state_dict()["state"][0])


def test_a_missing_inception_weights_file_fails_before_the_first_step(tmp_path, monkeypatch):
    """A mistyped weights path is refused when training starts, not at the first evaluation minutes or
    hours later."""
    missing = str(tmp_path / "no_such_inception.pth")
    trainer = make_trainer(tmp_path / "run", num_steps=3, evaluator=Evaluator(smooth_images(4, seed=0), every=2,
                                                                               num_samples=4,
                                                                               inception_weights=missing))
    with pytest.raises(FileNotFoundError, match="no_such_inception.pth"):
        trainer.train()
    assert trainer.global_step == 0 and not os.path.exists(tmp_path / "run" / "checkpoints" / "netG")
    monkeypatch.setenv("TORCH_GAN_ZOO_INCEPTION_WEIGHTS", missing)  # the environment's file, likewise
    from_env = make_trainer(tmp_path / "env", num_steps=3, evaluator=Evaluator(smooth_images(4, seed=0), num_samples=4))
    with pytest.raises(FileNotFoundError, match="TORCH_GAN_ZOO_INCEPTION_WEIGHTS"):
        from_env.train()
    assert from_env.global_step == 0


def test_a_bf16_evaluation_on_a_cpu_without_native_bf16_fails_before_the_first_step(tmp_path, tiny_weights,
                                                                                     monkeypatch):
    """On an AVX2 CPU the bf16 Inception crashed in oneDNN at the first evaluation; now the run refuses at once."""
    from torch_gan_zoo.metrics import weights

    monkeypatch.setattr(weights, "cpu_bf16_is_native", lambda: False)
    trainer = make_trainer(tmp_path / "run", num_steps=3, device="cpu", evaluator=Evaluator(
        smooth_images(4, seed=0), every=2, num_samples=4, inception_weights=tiny_weights, precision="bf16"))
    with pytest.raises(ValueError, match="precision 'bf16' is not offered on this CPU"):
        trainer.train()
    assert trainer.global_step == 0 and not os.path.exists(tmp_path / "run" / "checkpoints" / "netG")


def test_a_failing_evaluation_checkpoints_the_steps_trained_since_the_last_save(tmp_path, tiny_weights):
    class BrokenEvaluator(Evaluator):
        def evaluate(self, netG, dist, device, *, standing_stats=None):
            raise RuntimeError("out of memory (simulated)")

    log_dir = tmp_path / "run"
    evaluator = BrokenEvaluator(smooth_images(4, seed=0), every=3, num_samples=4, inception_weights=tiny_weights)
    trainer = make_trainer(log_dir, num_steps=5, save_steps=100, evaluator=evaluator)
    with pytest.raises(RuntimeError, match="simulated"):
        trainer.train()
    assert trainer.global_step == 3
    assert os.path.exists(log_dir / "checkpoints" / "netG" / "netG_3_steps.pth")  # the 3 steps are kept
    assert "evaluation failed at step 3 (RuntimeError: out of memory (simulated)); checkpoint saved at step 3" \
        in (log_dir / "train.log").read_text()
    resumed = make_trainer(log_dir, num_steps=5, save_steps=100)  # evaluation off: resumes at step 3
    assert resumed.train()["global_step"] == 5
    assert "resumed from step 3" in (log_dir / "train.log").read_text()
