"""Training on a real GPU (``pytest -m cuda``; skipped without CUDA): fp16 autocast with one GradScaler per
optimiser, bf16, gradient penalty and R1 on unscaled gradients, checkpoints saved on the GPU resumed on the
CPU and the GPU, channels_last, ``compile=True`` and DDP over NCCL in one process."""
import math
import os
import shutil
import subprocess
import sys
import time

import pytest
import torch
from torch.utils.data import DataLoader

from torch_gan_zoo import losses, nets
from torch_gan_zoo.datasets import ShapesDataset
from torch_gan_zoo.training import Trainer
from torch_gan_zoo.utils import seed_everything
from helpers.cuda import CUDA_MARKS, DEVICE, report
from helpers.paths import REPO, TESTS
from helpers.training import adam_pair, state_equal

pytestmark = CUDA_MARKS

#: dcgan: plain; wgan_gp: SNGAN's ResNet G with the gradient-penalty critic; cdcgan: class-conditional, plus R1.
MODELS = ("dcgan", "wgan_gp", "cdcgan")
REGULARIZER = {"wgan_gp": "gradient_penalty", "cdcgan": "r1"}


def build(model, seed=0):
    """A small seeded (netG, netD) pair of ``model`` at 32 px (cdcgan with R1 attached)."""
    seed_everything(seed)
    netG, netD = nets.create_model(model, 32, ngf=16, ndf=16)
    if model == "cdcgan":
        netD.add_regularizer(losses.R1Penalty(gamma=1.0))
    return netG, netD


def trainer_for(model, log_dir, num_steps, device=DEVICE, **options):
    """A Trainer of a small ``model`` on 64 shapes images (batch 8, n_dis 2) on ``device``."""
    netG, netD = build(model)
    optG, optD = adam_pair(netG, netD)
    data = DataLoader(ShapesDataset(num_images=64, resolution=32, seed=0), batch_size=8, shuffle=True)
    return Trainer(netD, netG, optD, optG, data, num_steps, log_dir=str(log_dir), n_dis=2, seed=0, progress=False,
                   log_steps=1, vis_steps=1000, save_steps=1000, device=device, **options)


def cpu_state(net):
    return {k: v.detach().cpu().clone() for k, v in net.state_dict().items()}


def assert_finite_run(trainer, result, model):
    metrics = result["metrics"]
    assert metrics and all(math.isfinite(v) for v in metrics.values()), metrics
    assert "errD" in metrics and "errG" in metrics
    if model in REGULARIZER:
        assert REGULARIZER[model] in metrics, metrics
    for net in (trainer.netG, trainer.netD):
        for name, p in net.named_parameters():
            assert p.device.type == torch.device(DEVICE).type, name
            assert bool(torch.isfinite(p).all()), name
    return metrics


@pytest.mark.parametrize("amp_dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("model", MODELS)
def test_few_steps_under_autocast_have_finite_losses(tmp_path, model, amp_dtype):
    trainer = trainer_for(model, tmp_path / "run", 4, amp=True, amp_dtype=amp_dtype)
    t0 = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - t0
    assert result["global_step"] == 4
    metrics = assert_finite_run(trainer, result, model)
    scales = {}
    if amp_dtype == "float16":  # one GradScaler per optimiser, saved with the checkpoint
        assert isinstance(trainer.scalers["G"], torch.amp.GradScaler)
        assert trainer.scalers["G"] is not trainer.scalers["D"]
        saved = trainer.checkpoints.load_trainer_state(4)["scalers"]
        for name, scaler in trainer.scalers.items():
            scales[name] = scaler.get_scale()
            assert 0 < scales[name] <= 2.0 ** 16 and saved[name]["scale"] == scales[name]
    else:
        assert trainer.scalers == {"G": None, "D": None}
    report(f"train_{model}_{amp_dtype}", {"metrics": metrics, "scales": scales, "seconds_4_steps": seconds})


def test_grad_scaler_grows_after_good_steps_and_backs_off_on_overflow(tmp_path):
    trainer = trainer_for("dcgan", tmp_path / "grow", 4, amp=True, amp_dtype="float16")
    trainer.scalers = {k: torch.amp.GradScaler(DEVICE, init_scale=2.0 ** 8, growth_interval=2) for k in ("G", "D")}
    trainer.train()
    grown = {k: s.get_scale() for k, s in trainer.scalers.items()}
    # 8 D updates and 4 G updates without overflow double the scale every 2 updates
    assert grown["D"] > 2.0 ** 8 and grown["G"] > 2.0 ** 8, grown

    trainer = trainer_for("dcgan", tmp_path / "backoff", 2, amp=True, amp_dtype="float16")
    trainer.scalers = {k: torch.amp.GradScaler(DEVICE, init_scale=2.0 ** 60, growth_interval=1000) for k in ("G", "D")}
    before = {k: v.detach().cpu().clone() for k, v in trainer.netD.named_parameters()}
    result = trainer.train()
    shrunk = {k: s.get_scale() for k, s in trainer.scalers.items()}
    # a scale of 2^60 overflows fp16 gradients: every step is skipped and the scale halves each time
    assert shrunk["D"] < 2.0 ** 60 and shrunk["G"] < 2.0 ** 60, shrunk
    after = {k: v.detach().cpu() for k, v in trainer.netD.named_parameters()}
    assert state_equal(before, after), "an overflowing step changed the discriminator"
    assert all(math.isfinite(v) for v in result["metrics"].values())
    report("grad_scaler", {"grown_from_2^8_growth_interval_2": grown, "backed_off_from_2^60": shrunk})


@pytest.mark.parametrize("amp_dtype", [torch.float16, torch.bfloat16])
def test_penalty_gradients_are_unscaled_under_autocast(amp_dtype):
    from torch_gan_zoo.losses import input_gradients

    _, netD = build("wgan_gp")
    netD.to(DEVICE)
    x = torch.rand(8, 3, 32, 32, device=DEVICE) * 2 - 1
    reference, _ = input_gradients(netD, x)
    scaler = torch.amp.GradScaler(DEVICE, init_scale=2.0 ** 8) if amp_dtype == torch.float16 else None
    grad, _ = input_gradients(netD, x, scaler=scaler, amp_dtype=amp_dtype)
    assert grad.dtype == torch.float32 and bool(torch.isfinite(grad).all())
    relative = float((grad - reference).detach().norm() / reference.detach().norm())
    assert relative < 0.3, relative  # a scaled gradient would be 256 times too large
    report(f"penalty_gradient_{str(amp_dtype).replace('torch.', '')}", {"relative_error_vs_fp32": relative})


def test_checkpoint_saved_on_gpu_resumes_on_cpu_and_gpu(tmp_path):
    run = tmp_path / "gpu"
    trainer = trainer_for("dcgan", run, 3, amp=True, amp_dtype="float16")
    paths = trainer.train()["checkpoint"]
    saved = {"G": cpu_state(trainer.netG), "D": cpu_state(trainer.netD)}
    scales = {k: s.get_scale() for k, s in trainer.scalers.items()}
    for device in dict.fromkeys(("cpu", DEVICE)):
        loaded = nets.BaseModel.from_checkpoint(paths["netG"], map_location=device)
        assert next(loaded.parameters()).device.type == torch.device(device).type
        assert state_equal(cpu_state(loaded), saved["G"])
        copy = tmp_path / f"resume_{device}"
        shutil.copytree(run, copy)
        resumed = trainer_for("dcgan", copy, 3, device=device, amp=True, amp_dtype="float16")
        resumed.train()  # resumes at step 3 = num_steps: restores, trains nothing
        assert resumed.global_step == 3
        assert state_equal(cpu_state(resumed.netG), saved["G"]) and state_equal(cpu_state(resumed.netD), saved["D"])
        assert {k: s.get_scale() for k, s in resumed.scalers.items()} == scales
    # and the GPU run continues from it
    more = trainer_for("dcgan", tmp_path / f"resume_{DEVICE}", 4, amp=True, amp_dtype="float16")
    result = more.train()
    assert result["global_step"] == 4
    assert "resumed from step 3" in (tmp_path / f"resume_{DEVICE}" / "train.log").read_text()
    assert_finite_run(more, result, "dcgan")


def test_channels_last_with_autocast_and_gradient_penalty(tmp_path):
    trainer = trainer_for("wgan_gp", tmp_path / "run", 3, amp=True, amp_dtype="bfloat16", channels_last=True)
    result = trainer.train()
    assert_finite_run(trainer, result, "wgan_gp")
    convs = [p for net in (trainer.netG, trainer.netD) for p in net.parameters() if p.dim() == 4]
    assert convs and all(p.is_contiguous(memory_format=torch.channels_last) for p in convs)


def test_compile_trains(tmp_path):
    """``compile=True`` must work on the GPU: a failure of torch.compile fails this test with its error."""
    trainer = trainer_for("dcgan", tmp_path / "run", 3, compile=True, amp=True)
    t0 = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - t0
    assert_finite_run(trainer, result, "dcgan")
    report("compile", {"ok": True, "seconds_3_steps_including_compilation": seconds, "torch": torch.__version__})


@pytest.mark.skipif(not torch.cuda.is_available(), reason="NCCL needs a CUDA GPU")
def test_ddp_over_nccl_in_one_process(tmp_path):
    worker = os.path.join(TESTS, "cuda", "nccl_worker.py")
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(key, None)
    proc = subprocess.run([sys.executable, worker, str(tmp_path / "run"), str(tmp_path / "out.pt")],
                          capture_output=True, text=True, env=env, timeout=240)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    out = torch.load(tmp_path / "out.pt", weights_only=True)
    assert out["backend"] == "nccl" and out["wrapped"] == ["D", "G"]
    assert out["global_step"] == 3 and all(math.isfinite(v) for v in out["metrics"].values())
    assert "gradient_penalty" in out["metrics"] and "r1" in out["metrics"]
    report("ddp_nccl_world_size_1", {"metrics": out["metrics"]})
