"""The Trainer end to end: files it leaves, exact resume, refusals, NaN handling, Ctrl-C."""
import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import torch

from torch_gan_zoo import nets
from torch_gan_zoo.datasets import ShapesDataset
from torch_gan_zoo.training import HyperparameterMismatchError, NonFiniteLossError, Trainer
from torch_gan_zoo.utils import CheckpointError, seed_everything

from helpers.training import adam_pair, make_trainer, state_equal
from helpers.paths import REPO, TESTS


def snapshot(trainer):
    return {"G": trainer.netG.state_dict(), "D": trainer.netD.state_dict(),
            "optG": trainer.optG.state_dict()["state"], "optD": trainer.optD.state_dict()["state"]}


def assert_same_weights(a, b):
    assert state_equal(a["G"], b["G"]) and state_equal(a["D"], b["D"])
    for opt in ("optG", "optD"):
        assert a[opt].keys() == b[opt].keys()
        for key in a[opt]:
            assert state_equal(a[opt][key], b[opt][key])


def test_training_leaves_every_artefact(tmp_path):
    trainer = make_trainer(tmp_path / "run", num_steps=4, ema_decay=0.5)
    result = trainer.train()
    run = tmp_path / "run"
    assert result["global_step"] == 4 and set(result["metrics"]) == {"errD", "errG", "D(x)", "D(G(z))"}
    assert sorted(os.listdir(run / "checkpoints")) == ["checksums", "netD", "netG", "netG_ema", "trainer"]
    assert os.path.exists(result["checkpoint"]["netG"]) and result["checkpoint"]["netG"].endswith("netG_4_steps.pth")
    images = sorted(os.listdir(run / "images"))
    assert images == ["fixed_samples_step_0000003.png", "fixed_samples_step_0000004.png",
                      "random_samples_step_0000003.png", "random_samples_step_0000004.png"]
    hparams = json.loads((run / "hparams.json").read_text())
    assert hparams["netG"]["kwargs"]["ngf"] == 16 and hparams["batch_size"] == 8 and hparams["n_dis"] == 2
    assert hparams["optD"]["param_groups"][0]["betas"] == [0.0, 0.9] and hparams["seed"] == 0
    assert hparams["ema"] == {"decay": 0.5, "start_step": 0}
    assert hparams["dataset"]["name"] == "shapes" and hparams["versions"]["torch"] == torch.__version__
    log_lines = (run / "train.log").read_text().splitlines()
    assert len(log_lines) == 2 and "[step 2/4] errD" in log_lines[0] and "steps/s" in log_lines[0]
    assert trainer.netG_ema is not None and not trainer.netG_ema.training


def test_tensorboard_event_files_hold_scalars_and_images(tmp_path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    make_trainer(tmp_path, num_steps=4).train()
    events = EventAccumulator(str(tmp_path / "tensorboard"), size_guidance={"images": 0, "scalars": 0})
    events.Reload()
    tags = events.Tags()
    for tag in ("loss/errD", "loss/errG", "prob/D(x)", "prob/D(G(z))", "lr/G", "speed/steps_per_sec"):
        assert tag in tags["scalars"], tag
    assert [e.step for e in events.Scalars("loss/errD")] == [2, 4]
    assert events.Scalars("lr/G")[-1].value == pytest.approx(0.0)  # linear decay reached the end
    assert set(tags["images"]) == {"images/fixed_samples", "images/random_samples"}
    image = events.Images("images/fixed_samples")[0]
    assert image.step == 3 and image.width > 32 and image.height > 32


def test_resume_is_bit_identical_to_an_uninterrupted_run(tmp_path):
    full = make_trainer(tmp_path / "full", num_steps=6, ema_decay=0.9)
    full.train()
    first = make_trainer(tmp_path / "split", num_steps=6, ema_decay=0.9)
    original = first.netG.compute_gan_loss

    def interrupt_during_step_3(output):
        if first.global_step == 2:
            signal.raise_signal(signal.SIGINT)  # the handler lets the step finish, then checkpoints
        return original(output)

    first.netG.compute_gan_loss = interrupt_during_step_3
    with pytest.raises(KeyboardInterrupt, match="interrupted at step 3"):
        first.train()
    assert first.checkpoints.complete_steps() == [3]
    resumed = make_trainer(tmp_path / "split", num_steps=6, ema_decay=0.9)
    seed_everything(1234)  # the resumed process's RNG state must come from the checkpoint
    assert resumed.train()["global_step"] == 6
    assert_same_weights(snapshot(full), snapshot(resumed))
    assert state_equal(full.netG_ema.state_dict(), resumed.netG_ema.state_dict())
    assert resumed.schedulers["G"].state_dict() == full.schedulers["G"].state_dict()


def test_extending_num_steps_continues_bit_identically(tmp_path):
    full = make_trainer(tmp_path / "full", num_steps=5, lr_decay=None, num_workers=0)
    full.train()
    make_trainer(tmp_path / "split", num_steps=2, lr_decay=None).train()
    extended = make_trainer(tmp_path / "split", num_steps=5, lr_decay=None)
    assert extended.train()["global_step"] == 5
    assert_same_weights(snapshot(full), snapshot(extended))
    hparams = json.loads((tmp_path / "split" / "hparams.json").read_text())
    assert hparams["num_steps"] == 5  # the extension is recorded


def test_two_seeded_runs_give_identical_weights(tmp_path):
    a = make_trainer(tmp_path / "a", num_steps=3)
    a.train()
    b = make_trainer(tmp_path / "b", num_steps=3)
    b.train()
    assert_same_weights(snapshot(a), snapshot(b))
    c = make_trainer(tmp_path / "c", num_steps=3, seed=1)
    c.train()
    assert not state_equal(a.netG.state_dict(), c.netG.state_dict())


def _tree(path):
    return {os.path.join(root, f): os.path.getmtime(os.path.join(root, f)) for root, _, files in os.walk(path)
            for f in files if f != ".run.lock"}  # the lock records who runs; it is not part of the run


def test_mismatched_hyperparameters_are_refused_without_touching_the_run(tmp_path):
    make_trainer(tmp_path, num_steps=3).train()
    before = _tree(tmp_path)
    time.sleep(0.01)
    with pytest.raises(HyperparameterMismatchError) as err:
        make_trainer(tmp_path, num_steps=5, lr=1e-4, batch_size=4, n_dis=1).train()
    message = str(err.value)
    for key in ("batch_size: saved 8, now 4", "n_dis: saved 2, now 1",
                "optD.param_groups.0.lr", "optG.param_groups.0.lr"):
        assert key in message
    assert "num_steps: saved" not in message
    assert _tree(tmp_path) == before


def test_changed_model_or_seed_is_refused(tmp_path):
    make_trainer(tmp_path, num_steps=3).train()
    with pytest.raises(HyperparameterMismatchError, match="seed: saved 0, now 1"):
        make_trainer(tmp_path, num_steps=3, seed=1).train()
    with pytest.raises(HyperparameterMismatchError, match="netG.class"):
        make_trainer(tmp_path, num_steps=3, model="sngan").train()


def test_lr_decay_start_is_part_of_the_run_and_delays_the_decay(tmp_path):
    trainer = make_trainer(tmp_path, num_steps=4, lr_decay_start=2, save_steps=10)
    trainer.train()
    lrs = [group["lr"] for opt in (trainer.optG, trainer.optD) for group in opt.param_groups]
    assert lrs == pytest.approx([0.0, 0.0])
    saved = json.load(open(tmp_path / "hparams.json"))
    assert saved["lr_decay_start"] == 2
    with pytest.raises(HyperparameterMismatchError, match="lr_decay_start: saved 2, now 1"):
        make_trainer(tmp_path, num_steps=4, lr_decay_start=1).train()
    # a snapshot from before the option existed resumes as lr_decay_start=0
    other = tmp_path / "old"
    make_trainer(other, num_steps=2).train()
    snapshot_file = other / "hparams.json"
    old = json.load(open(snapshot_file))
    del old["lr_decay_start"]
    snapshot_file.write_text(json.dumps(old))
    assert make_trainer(other, num_steps=3).train()["global_step"] == 3


def test_recipe_passes_lr_decay_start_to_the_trainer_unconverted(tmp_path):
    from torch_gan_zoo.training.recipe import build_config, run_config

    base = dict(dataset="shapes", resolution=32, num_steps=2, batch_size=4, n_dis=1, lr_decay="linear", seed=0,
                model_kwargs={"ngf": 16, "ndf": 16}, dataset_kwargs={"num_images": 8},
                trainer_kwargs={"progress": False})
    with pytest.raises(ValueError, match="lr_decay_start must be a non-negative int, got 1.5"):
        run_config(build_config("dcgan", log_dir=str(tmp_path / "bad"), overrides=["lr_decay_start=1.5"], **base))
    run_config(build_config("dcgan", log_dir=str(tmp_path / "good"), overrides=["lr_decay_start=1"], **base))
    assert json.load(open(tmp_path / "good" / "hparams.json"))["lr_decay_start"] == 1


def test_lr_is_constant_until_the_decay_starts(tmp_path):
    trainer = make_trainer(tmp_path, num_steps=2, lr_decay_start=1, save_steps=10, n_dis=1)
    seen = []
    original = trainer.netG.train_step

    def spy(*args, **kwargs):
        seen.append(trainer.optG.param_groups[0]["lr"])
        return original(*args, **kwargs)

    trainer.netG.train_step = spy
    trainer.train()
    assert seen == pytest.approx([2e-4, 2e-4])


def test_nan_loss_stops_training_and_keeps_earlier_checkpoints(tmp_path):
    trainer = make_trainer(tmp_path, num_steps=9, log_steps=1, save_steps=2)
    original = trainer.netD.compute_gan_loss

    def poisoned(output_real, output_fake):
        loss = original(output_real, output_fake)
        return loss * float("nan") if trainer.global_step >= 3 else loss

    trainer.netD.compute_gan_loss = poisoned
    with pytest.raises(NonFiniteLossError, match="errD=nan"):
        trainer.train()
    assert trainer.checkpoints.complete_steps() == [2]
    _, state = trainer.checkpoints.restore_latest(trainer.netG, trainer.netD, None, None)
    assert state["global_step"] == 2
    assert all(torch.isfinite(p).all() for p in trainer.netD.parameters())  # weights from step 2


def test_non_finite_weights_are_never_saved(tmp_path):
    trainer = make_trainer(tmp_path, num_steps=2)
    trainer._prepare()
    with torch.no_grad():
        next(trainer.netG.parameters()).fill_(float("inf"))
    with pytest.raises(NonFiniteLossError, match="netG has non-finite weights"):
        trainer.save_checkpoint()
    assert not trainer.checkpoints.has_checkpoints()


def test_explicit_checkpoint_files_and_their_errors(tmp_path):
    source = make_trainer(tmp_path / "src", num_steps=3)
    paths = source.train()["checkpoint"]
    with pytest.warns(RuntimeWarning, match="not bit-identical"):
        trainer = make_trainer(tmp_path / "dst", num_steps=4,
                               netG_ckpt_file=paths["netG"], netD_ckpt_file=paths["netD"])
        assert trainer.train()["global_step"] == 4
    assert trainer.optG.param_groups[0]["lr"] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="both netG_ckpt_file and netD_ckpt_file"):
        make_trainer(tmp_path / "x", num_steps=4, netG_ckpt_file=paths["netG"]).train()
    other = make_trainer(tmp_path / "src2", num_steps=2).train()["checkpoint"]
    with pytest.raises(CheckpointError, match="step 3 but netD_ckpt_file from step 2"):
        make_trainer(tmp_path / "y", num_steps=4, netG_ckpt_file=paths["netG"], netD_ckpt_file=other["netD"]).train()


def test_resuming_a_finished_run_and_a_run_beyond_num_steps(tmp_path):
    make_trainer(tmp_path, num_steps=3).train()
    again = make_trainer(tmp_path, num_steps=3).train()
    assert again["global_step"] == 3 and again["checkpoint"]["netG"].endswith("netG_3_steps.pth")
    with pytest.raises(ValueError, match="beyond num_steps=2"):
        make_trainer(tmp_path, num_steps=2).train()


def test_incomplete_checkpoints_are_ignored_with_a_warning(tmp_path):
    trainer = make_trainer(tmp_path, num_steps=2)
    os.makedirs(trainer.checkpoints.directory("netG"))
    stray = trainer.netG.save_checkpoint(trainer.checkpoints.directory("netG"), 5)
    with pytest.warns(RuntimeWarning, match="holds only incomplete checkpoints; starting from step 0"):
        assert trainer.train()["global_step"] == 2
    assert os.path.exists(stray)  # not this run's file (no hparams.json when it was found): never deleted


def test_constructor_validates_its_arguments(tmp_path, tiny_pair):
    netG, netD = tiny_pair()
    optG, optD = adam_pair(netG, netD)
    data = ShapesDataset(num_images=16)
    with pytest.raises(ValueError, match="swapped"):
        Trainer(netD, netG, optG, optD, data, 1, batch_size=4, log_dir=str(tmp_path))
    with pytest.raises(TypeError, match="netG must be"):
        Trainer(netD, torch.nn.Linear(1, 1), optD, optG, data, 1, batch_size=4)
    with pytest.raises(TypeError, match="netD must be"):
        Trainer(torch.nn.Linear(1, 1), netG, optD, optG, data, 1, batch_size=4)
    with pytest.raises(TypeError, match="torch.optim.Optimizer"):
        Trainer(netD, netG, "adam", optG, data, 1, batch_size=4)
    with pytest.raises(ValueError, match="num_steps"):
        Trainer(netD, netG, optD, optG, data, 0, batch_size=4)
    with pytest.raises(ValueError, match="n_dis"):
        Trainer(netD, netG, optD, optG, data, 1, n_dis=0, batch_size=4)
    with pytest.raises(ValueError, match="seed"):
        Trainer(netD, netG, optD, optG, data, 1, seed=-3, batch_size=4)
    with pytest.raises(ValueError, match="amp_dtype is set but amp=False"):
        Trainer(netD, netG, optD, optG, data, 1, amp_dtype="bfloat16", batch_size=4)
    with pytest.raises(ValueError, match="amp_dtype must be"):
        Trainer(netD, netG, optD, optG, data, 1, amp=True, amp_dtype="int8", batch_size=4)


def test_bf16_autocast_on_cpu_trains_with_finite_losses(tmp_path):
    trainer = make_trainer(tmp_path, num_steps=2, amp=True, device="cpu")
    assert trainer.amp_dtype == torch.bfloat16 and trainer.scalers == {"G": None, "D": None}
    result = trainer.train()
    assert all(torch.isfinite(torch.tensor(v)) for v in result["metrics"].values())
    assert json.loads((tmp_path / "hparams.json").read_text())["amp"] == "bfloat16"


def test_bf16_autocast_warns_on_a_cpu_without_native_bf16(tmp_path, monkeypatch):
    import warnings

    from torch_gan_zoo.training import trainer as trainer_module

    # measured on a 2-core AVX2 EPYC: 0.16 steps/s under bf16 autocast against 3.1 in float32
    monkeypatch.setattr(trainer_module, "cpu_bf16_is_native", lambda: False)
    monkeypatch.setattr(trainer_module, "cpu_capability", lambda: "AVX2")
    with pytest.warns(RuntimeWarning, match="no native bfloat16 kernels on this CPU .capability AVX2.*without amp"):
        trainer = make_trainer(tmp_path / "a", num_steps=1, amp=True, device="cpu")
    assert trainer.amp_dtype == torch.bfloat16  # still runs, as asked
    monkeypatch.setattr(trainer_module, "cpu_bf16_is_native", lambda: True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        make_trainer(tmp_path / "b", num_steps=1, amp=True, amp_dtype="bf16", device="cpu")
        make_trainer(tmp_path / "c", num_steps=1, device="cpu")  # no amp, no warning


def test_fp16_amp_makes_one_grad_scaler_per_optimizer(tmp_path):
    trainer = make_trainer(tmp_path, num_steps=2, amp=True, amp_dtype="float16", device="cpu")
    assert trainer.scalers["G"] is not trainer.scalers["D"]
    trainer.train()
    _, state = trainer.checkpoints.restore_latest(trainer.netG, trainer.netD, None, None)
    assert set(state["scalers"]) == {"G", "D"} and state["scalers"]["G"]["scale"] > 0


def test_fp16_gradient_penalty_overflow_is_a_skipped_step_not_a_diverged_run(tmp_path):
    # The default scale 2^16 overflows the penalty's inner fp16 gradient: the GradScaler skips those steps and
    # halves its scale (PyTorch's AMP gradient-penalty recipe); the run used to stop with gradient_penalty=nan.
    trainer = make_trainer(tmp_path, num_steps=6, model="wgan_gp", n_dis=1, amp=True, amp_dtype="float16",
                           device="cpu", log_steps=1)
    before = {k: v.detach().clone() for k, v in trainer.netD.named_parameters()}
    result = trainer.train()
    assert result["global_step"] == 6 and all(math.isfinite(v) for v in result["metrics"].values())
    assert trainer.scalers["D"].get_scale() < 2.0 ** 16  # it backed off
    assert any(not torch.equal(before[k], v) for k, v in trainer.netD.named_parameters())  # and then trained
    assert "gradient_penalty" in (tmp_path / "train.log").read_text()  # finite penalties are still logged


def test_optimize_reports_whether_the_grad_scaler_took_the_step():
    net = torch.nn.Linear(2, 1)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=4.0)
    weight = net.weight.detach().clone()
    assert nets.BaseModel.optimize(net(torch.ones(1, 2)).sum() * float("inf"), opt, scaler) is False
    assert torch.equal(net.weight, weight) and scaler.get_scale() == 2.0
    opt.zero_grad()
    assert nets.BaseModel.optimize(net(torch.ones(1, 2)).sum(), opt, scaler) is True
    assert not torch.equal(net.weight, weight)
    assert nets.BaseModel.optimize(net(torch.ones(1, 2)).sum(), opt, None) is True


SIGINT_SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from helpers.training import make_trainer
    trainer = make_trainer({log_dir!r}, num_steps=100000, log_steps=1, save_steps=100000, progress=True)
    try:
        trainer.train()
    except KeyboardInterrupt:
        print("SAVED AT", trainer.global_step, flush=True)
        sys.exit(130)
""")


def test_ctrl_c_saves_a_usable_checkpoint(tmp_path):
    log_dir = tmp_path / "run"
    script = SIGINT_SCRIPT.format(tests=TESTS, log_dir=str(log_dir))
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            text=True)
    log_file = log_dir / "train.log"
    deadline = time.time() + 120
    while time.time() < deadline and (not log_file.exists() or len(log_file.read_text().splitlines()) < 2):
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    step = int(out.split("SAVED AT")[1])
    assert step >= 2 and f"SIGINT received: saved checkpoint at step {step}" in out
    resumed = make_trainer(log_dir, num_steps=step + 1)
    assert resumed.train()["global_step"] == step + 1
    assert "resumed from step %d" % step in (log_dir / "train.log").read_text()


def test_compile_and_channels_last_options_train(tmp_path):
    trainer = make_trainer(tmp_path, num_steps=2, compile={"backend": "eager"}, channels_last=True)
    result = trainer.train()
    assert result["global_step"] == 2 and trainer.netG._compiled_call_impl is not None
    conv = next(m for m in trainer.netD.modules() if isinstance(m, torch.nn.Conv2d))
    assert conv.weight.is_contiguous(memory_format=torch.channels_last)
    runtime = json.loads((tmp_path / "hparams.json").read_text())["runtime"]
    assert runtime["compile"] == {"backend": "eager"} and runtime["channels_last"] is True
    with pytest.raises(TypeError, match="compile must be"):
        make_trainer(tmp_path / "x", num_steps=1, compile="yes")


def test_time_limit_stops_cleanly_and_resumes(tmp_path):
    trainer = make_trainer(tmp_path, num_steps=10000, time_limit=0.5, save_steps=100000)
    result = trainer.train()
    step = result["global_step"]
    assert result["stopped"] == "time_limit" and 0 < step < 10000
    assert trainer.checkpoints.complete_steps() == [step]
    assert "time limit of 0.5 s reached" in (tmp_path / "train.log").read_text()
    resumed = make_trainer(tmp_path, num_steps=step + 2, time_limit=600).train()
    assert resumed["global_step"] == step + 2 and resumed["stopped"] is None and resumed["stop_reason"] == "completed"
    with pytest.raises(ValueError, match="time_limit"):
        make_trainer(tmp_path / "x", num_steps=1, time_limit=0)


def test_option_groups_and_mimicry_style_keywords_are_the_same_settings(tmp_path, tiny_pair):
    from torch_gan_zoo.config import CheckpointConfig, LoggingConfig, ScheduleConfig, TrainerConfig

    netG, netD = tiny_pair()
    optG, optD = adam_pair(netG, netD)
    data = ShapesDataset(num_images=16)
    # Mimicry's positional order: num_steps, log_dir, n_dis, lr_decay, then keywords.
    old = Trainer(netD, netG, optD, optG, data, 7, str(tmp_path / "a"), 2, "linear", "cpu", save_steps=3, seed=1,
                  batch_size=4, log_steps=5, keep_checkpoints=None, netG_ckpt_file=None, progress=False)
    new = Trainer(netD, netG, optD, optG, data, schedule=ScheduleConfig(num_steps=7, n_dis=2, lr_decay="linear"),
                  logging=LoggingConfig(log_dir=str(tmp_path / "a"), log_steps=5, progress=False),
                  checkpointing=CheckpointConfig(save_steps=3, keep_checkpoints=None),
                  options=TrainerConfig(device="cpu", seed=1, batch_size=4))
    for t in (old, new):
        assert (t.num_steps, t.n_dis, t.lr_decay, t.save_steps, t.seed, t.log_steps, t.keep_checkpoints) == \
            (7, 2, "linear", 3, 1, 5, None)
    assert old.hparams().keys() == new.hparams().keys()
    assert {k: v for k, v in old.hparams().items() if k != "versions"} == \
        {k: v for k, v in new.hparams().items() if k != "versions"}
    mixed = Trainer(netD, netG, optD, optG, data, schedule=ScheduleConfig(num_steps=7), num_steps=7, batch_size=4,
                    log_dir=tmp_path / "b", amp_dtype=torch.bfloat16, amp=True, device=torch.device("cpu"))
    assert mixed.amp_dtype == torch.bfloat16 and mixed.log_dir == str(tmp_path / "b")
    with pytest.raises(ValueError, match="given both as keyword"):
        Trainer(netD, netG, optD, optG, data, 5, schedule=ScheduleConfig(num_steps=7), batch_size=4)
    with pytest.raises(TypeError, match="did you mean 'save_steps'"):
        Trainer(netD, netG, optD, optG, data, 5, save_step=3, batch_size=4)
    with pytest.raises(TypeError, match="needs num_steps"):
        Trainer(netD, netG, optD, optG, data, batch_size=4)
    with pytest.raises(TypeError, match="schedule= must be a ScheduleConfig"):
        Trainer(netD, netG, optD, optG, data, schedule={"num_steps": 3}, batch_size=4)
    for name in ("print_steps", "vis_steps", "log_steps", "save_steps", "num_vis_images", "keep_checkpoints"):
        with pytest.raises(ValueError, match=rf"{name} must be a positive int.*, got 1.5"):
            Trainer(netD, netG, optD, optG, data, 5, batch_size=4, **{name: 1.5})
    with pytest.raises(ValueError, match="num_workers must be a non-negative int, got -1"):
        Trainer(netD, netG, optD, optG, data, 5, batch_size=4, num_workers=-1)


def test_stop_reason_is_a_str_enum_in_the_result(tmp_path):
    from torch_gan_zoo.training.trainer import StopReason

    result = make_trainer(tmp_path, num_steps=1).train()
    assert result["stop_reason"] is StopReason.COMPLETED and result["stopped"] is None
    assert StopReason.TIME_LIMIT == "time_limit" and StopReason.PEER == "peer" and str(StopReason.PEER) == "peer"
    assert StopReason.from_signal(signal.SIGINT) is StopReason.INTERRUPTED
    assert StopReason.from_signal(signal.SIGTERM) is StopReason.TERMINATED


def test_resume_without_hparams_json_uses_the_checkpoints_record(tmp_path):
    make_trainer(tmp_path, num_steps=3).train()
    os.remove(tmp_path / "hparams.json")
    with pytest.raises(HyperparameterMismatchError, match="n_dis: saved 2, now 1"):
        make_trainer(tmp_path, num_steps=4, n_dis=1).train()
    assert not (tmp_path / "hparams.json").exists()
    assert make_trainer(tmp_path, num_steps=4).train()["global_step"] == 4
    assert json.loads((tmp_path / "hparams.json").read_text())["n_dis"] == 2


def test_allowed_change_of_the_learning_rate_takes_effect_and_is_recorded(tmp_path):
    make_trainer(tmp_path, num_steps=2, lr_decay=None).train()
    with pytest.raises(HyperparameterMismatchError, match="allow it explicitly"):
        make_trainer(tmp_path, num_steps=3, lr=1e-4, lr_decay=None)._prepare()
    trainer = make_trainer(tmp_path, num_steps=3, lr=1e-4, lr_decay=None, allow_changes=["optG.lr", "optD.lr"])
    trainer._prepare()  # restores the checkpoint of step 2, then applies the allowed rate
    assert trainer.optG.param_groups[0]["lr"] == 1e-4 and trainer.optD.param_groups[0]["lr"] == 1e-4
    assert trainer.optG.state_dict()["state"]  # the Adam moments of the checkpoint are kept
    history = json.loads((tmp_path / "hparams.json").read_text())["history"]
    assert len(history) == 1 and history[0]["step"] == 2 and len(history[0]["changes"]) == 2
