"""DistributedDataParallel on CPU with gloo: 2 processes started by torchrun, as users launch them."""
import json
import os

import pytest
import torch

from torch_gan_zoo.training.distributed import DistributedContext, init_distributed, is_launched_distributed
from helpers.distributed import run_worker


def _same(a, b, exact=True, atol=0.0):
    return a.keys() == b.keys() and all(
        torch.equal(a[k], b[k]) if exact else torch.allclose(a[k], b[k], atol=atol, rtol=1e-4) for k in a)


@pytest.mark.slow
def test_two_ranks_hold_identical_weights_and_only_rank_0_writes(tmp_path):
    ranks = run_worker("basic", tmp_path / "run", tmp_path / "out", 5, nproc=2)
    assert ranks[0]["world_size"] == 2
    assert _same(ranks[0]["G"], ranks[1]["G"]) and _same(ranks[0]["D"], ranks[1]["D"])
    # 5 steps x n_dis 2 = 10 batches of 4 per rank from 32 samples each: the sampler's epoch advanced
    assert ranks[0]["epoch"] == ranks[0]["sampler_epoch"] == 1
    run = tmp_path / "run"
    assert len(os.listdir(run / "tensorboard")) == 1
    lines = (run / "train.log").read_text().splitlines()
    assert [line.split("]")[0].split()[-1] for line in lines] == ["1/5", "2/5", "3/5", "4/5", "5/5"]
    hparams = json.loads((run / "hparams.json").read_text())
    assert hparams["world_size"] == 2 and hparams["batch_size"] == 4
    assert sorted(os.listdir(run / "checkpoints" / "netG")) == ["netG_2_steps.pth", "netG_4_steps.pth",
                                                                 "netG_5_steps.pth"]


@pytest.mark.slow
def test_two_ranks_match_one_process_with_the_same_global_batch(tmp_path):
    two = run_worker("equivalence", tmp_path / "two", tmp_path / "out2", 3, nproc=2)[0]
    one = run_worker("equivalence", tmp_path / "one", tmp_path / "out1", 3, nproc=1)[0]
    # the mean loss over 8 samples equals the average of two means over 4: same updates up to rounding
    assert _same(two["G"], one["G"], exact=False, atol=1e-5)
    assert _same(two["D"], one["D"], exact=False, atol=1e-5)


@pytest.mark.slow
def test_gradient_penalty_and_r1_train_under_ddp(tmp_path):
    ranks = run_worker("regularized", tmp_path / "run", tmp_path / "out", 2, nproc=2)
    assert _same(ranks[0]["D"], ranks[1]["D"]) and _same(ranks[0]["G"], ranks[1]["G"])
    log = (tmp_path / "run" / "train.log").read_text()
    assert "gradient_penalty " in log and "r1 " in log


@pytest.mark.slow
def test_resume_under_ddp_is_exact(tmp_path):
    full = run_worker("basic", tmp_path / "full", tmp_path / "o1", 4, nproc=2)[0]
    run_worker("basic", tmp_path / "split", tmp_path / "o2", 2, nproc=2)
    resumed = run_worker("basic", tmp_path / "split", tmp_path / "o3", 4, nproc=2)[0]
    assert _same(full["G"], resumed["G"]) and _same(full["D"], resumed["D"])
    assert "resumed from step 2" in (tmp_path / "split" / "train.log").read_text()


def test_single_process_context(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    assert not is_launched_distributed()
    ctx = init_distributed("cpu")
    assert ctx == DistributedContext(device=torch.device("cpu")) and ctx.is_main and not ctx.enabled
    t = torch.tensor([2.0])
    assert ctx.all_reduce_mean(t) is t and t.item() == 2.0
    assert ctx.any(True) and not ctx.any(False) and ctx.all_gather_object(3) == [3]
    ctx.barrier()
    assert init_distributed().device.type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_trainer_refuses_distributed_without_torchrun_and_sync_bn_on_cpu(monkeypatch, tiny_pair, shapes_small):
    from torch_gan_zoo.training import Trainer

    monkeypatch.delenv("WORLD_SIZE", raising=False)
    netG, netD = tiny_pair()
    optG = torch.optim.Adam(netG.parameters())
    optD = torch.optim.Adam(netD.parameters())
    with pytest.raises(ValueError, match="torchrun"):
        Trainer(netD, netG, optD, optG, shapes_small, 1, batch_size=4, distributed=True)
    monkeypatch.setattr("torch_gan_zoo.training.trainer.init_distributed",
                        lambda device: DistributedContext(rank=0, world_size=2, device=torch.device("cpu")))
    with pytest.raises(ValueError, match="sync_bn=True needs CUDA"):
        Trainer(netD, netG, optD, optG, shapes_small, 1, batch_size=4, sync_bn=True)
