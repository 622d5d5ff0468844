"""``torch_gan_zoo.mimicry.metrics``: Mimicry's signatures and JSON layout on this library's metrics
(a tiny TorchScript stand-in replaces the Inception network, as in the other metric tests)."""
import json
import os

import pytest
import torch

import torch_gan_zoo.mimicry as mmc
from torch_gan_zoo.mimicry.metrics import _options


@pytest.fixture
def stand_in(tiny, monkeypatch):
    monkeypatch.setattr(_options, "DEFAULT_OPTIONS", {"inception_weights": tiny})


def _run_dir(tmp_path):
    torch.manual_seed(0)
    netG = mmc.nets.sngan.SNGANGenerator32(ngf=8)
    for step in (1, 2):
        netG.save_checkpoint(str(tmp_path / "checkpoints" / "netG"), step)
    return netG


def test_evaluate_writes_mimicry_json_and_protocol(tmp_path, stand_in):
    netG = _run_dir(tmp_path)
    real = mmc.datasets.load_dataset("unused", "fake_data", size=40, image_size=(3, 32, 32))
    scores = mmc.metrics.evaluate("fid", netG, str(tmp_path), evaluate_range=(1, 2, 1), num_runs=2,
                                  num_real_samples=40, num_fake_samples=40, dataset=real, device="cpu",
                                  batch_size=20)
    assert sorted(scores) == [1, 2] and all(len(v) == 2 for v in scores.values())
    on_disk = json.load(open(tmp_path / "fid_0k_0k.json"))
    assert on_disk == {"1": scores[1], "2": scores[2]}
    protocol = json.load(open(tmp_path / "fid_0k_0k_protocol.json"))
    assert protocol["1"][0]["value"] == scores[1][0] and len(protocol["1"][0]) > 1
    # already computed steps are skipped unless overwrite=True
    again = mmc.metrics.evaluate("fid", netG, str(tmp_path), evaluate_step=2, num_runs=1, num_real_samples=40,
                                 num_fake_samples=40, dataset=real, device="cpu", batch_size=20)
    assert again[2] == scores[2]
    with pytest.raises(ValueError, match="Only one"):
        mmc.metrics.evaluate("fid", netG, str(tmp_path), evaluate_step=1, evaluate_range=(1, 2, 1))
    with pytest.raises(ValueError, match="Invalid metric"):
        mmc.metrics.evaluate("lpips", netG, str(tmp_path), evaluate_step=1)


def test_kid_below_1000_samples_shrinks_subsets_and_stats_file_is_written(tmp_path, stand_in):
    torch.manual_seed(0)
    netG = mmc.nets.sngan.SNGANGenerator32(ngf=8)
    real = mmc.datasets.load_dataset("unused", "fake_data", size=30, image_size=(3, 32, 32))
    score, std = mmc.metrics.kid_score(30, netG, real, num_subsets=3, device="cpu", batch_size=10)
    assert score == score and std >= 0.0  # finite, computed on subsets of 30 rather than raising
    with pytest.raises(ValueError, match="feat_file"):
        mmc.metrics.kid_score(30, netG, real, feat_file=str(tmp_path / "f.npy"))
    stats = tmp_path / "stats.npz"
    first = mmc.metrics.fid_score(30, 30, netG, real, device="cpu", batch_size=10, stats_file=str(stats))
    assert os.path.exists(stats)
    second = mmc.metrics.fid_score(30, 30, netG, real, device="cpu", batch_size=10, stats_file=str(stats))
    assert float(first) == pytest.approx(float(second), rel=1e-6)
    with pytest.raises(ValueError, match="logits"):  # the stand-in has no classifier: IS refuses clearly
        mmc.metrics.inception_score(20, netG, device="cpu", batch_size=10, splits=2)
