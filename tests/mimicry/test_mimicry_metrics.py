"""``torch_gan_zoo.mimicry.metrics``: Mimicry's signatures and JSON layout on this library's metrics
(a tiny TorchScript stand-in replaces the Inception network, as in the other metric tests)."""
import json
import os

import numpy as np
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
    stats = tmp_path / "stats.npz"
    first = mmc.metrics.fid_score(30, 30, netG, real, device="cpu", batch_size=10, stats_file=str(stats))
    assert os.path.exists(stats)
    second = mmc.metrics.fid_score(30, 30, netG, real, device="cpu", batch_size=10, stats_file=str(stats))
    assert float(first) == pytest.approx(float(second), rel=1e-6)
    with pytest.raises(ValueError, match="logits"):  # the stand-in has no classifier: IS refuses clearly
        mmc.metrics.inception_score(20, netG, device="cpu", batch_size=10, splits=2)


class _BareImages(torch.utils.data.Dataset):
    """Mimicry's custom-dataset example: items are bare image tensors (3, 32, 32), not (image, label)."""

    def __init__(self, n=24):
        super().__init__()
        self.data = torch.linspace(-1, 1, n * 3 * 32 * 32).reshape(n, 3, 32, 32).sin()

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, idx):
        return self.data[idx]


def _netG():
    torch.manual_seed(0)
    return mmc.nets.sngan.SNGANGenerator32(ngf=8)


def test_kid_feat_file_is_written_reused_and_matches_the_uncached_score(tmp_path, stand_in):
    netG, data = _netG(), _BareImages()
    kw = dict(num_samples=24, netG=netG, seed=3, dataset=data, log_dir=str(tmp_path), device="cpu")
    plain, plain_std = mmc.metrics.kid_score(**kw)
    feat = tmp_path / "kid_stats"  # Mimicry appends .npz
    first, first_std = mmc.metrics.kid_score(feat_file=str(feat), **kw)
    path = tmp_path / "kid_stats.npz"
    with np.load(path) as f:
        assert f["feat"].shape == (24, 2048) and int(f["num_samples"]) == 24 and str(f["protocol"]) == "tf1"
    assert float(first) == pytest.approx(float(plain), rel=1e-5, abs=1e-7)
    assert first_std == pytest.approx(plain_std, rel=1e-5, abs=1e-7)
    # reused: a different dataset does not change the score while the file exists
    os.utime(path, (1, 1))
    again, _ = mmc.metrics.kid_score(**dict(kw, dataset=_BareImages(30), feat_file=str(path)))
    assert float(again) == float(first) and os.stat(path).st_mtime == 1
    assert again.num_real == 24 and again.details["subset_size"] == 24


def test_kid_feat_file_that_does_not_match_is_refused(tmp_path, stand_in):
    netG, data = _netG(), _BareImages()
    kw = dict(num_samples=24, netG=netG, seed=0, dataset=data, device="cpu")
    path = str(tmp_path / "kid.npz")
    mmc.metrics.kid_score(feat_file=path, **kw)
    before = open(path, "rb").read()
    with pytest.raises(ValueError, match="features of 24 images but num_samples=20"):
        mmc.metrics.kid_score(**dict(kw, num_samples=20, feat_file=path))
    with np.load(path) as f:
        contents = dict(f)
    bad = str(tmp_path / "bad.npz")
    np.savez(bad, **dict(contents, weights_sha256=np.asarray("0" * 64)))
    with pytest.raises(ValueError, match="weights_sha256"):
        mmc.metrics.kid_score(feat_file=bad, **kw)
    np.savez(bad, **dict(contents, feat=np.full((24, 2048), np.nan, np.float32)))
    with pytest.raises(ValueError, match="NaN"):
        mmc.metrics.kid_score(feat_file=bad, **kw)
    np.savez(bad, mu=np.zeros(3), sigma=np.eye(3))
    with pytest.raises(ValueError, match="no 'feat' array"):
        mmc.metrics.kid_score(feat_file=bad, **kw)
    open(bad, "wb").write(b"not a zip")
    with pytest.raises(ValueError, match="not a readable .npz"):
        mmc.metrics.kid_score(feat_file=bad, **kw)
    np.savez(bad, feat=contents["feat"])  # a torch-mimicry file: only 'feat'; used, with a warning
    with pytest.warns(RuntimeWarning, match="cannot be checked"):
        score, _ = mmc.metrics.kid_score(feat_file=bad, **kw)
    assert float(score) == float(mmc.metrics.kid_score(feat_file=path, **kw)[0])
    assert open(path, "rb").read() == before


def test_fid_score_with_bare_image_dataset_and_stats_file(tmp_path, stand_in):
    netG, data = _netG(), _BareImages()
    stats = str(tmp_path / "fid_stats.npz")
    kw = dict(num_real_samples=24, num_fake_samples=20, netG=netG, seed=0, dataset=data, log_dir=str(tmp_path),
              device="cpu")
    plain = mmc.metrics.fid_score(**kw)
    cached = mmc.metrics.fid_score(stats_file=stats, **kw)
    assert os.path.exists(stats) and float(cached) == pytest.approx(float(plain), rel=1e-5)
    assert plain.num_real == 24 and plain.num_fake == 20


def test_evaluate_takes_the_keywords_of_mimicrys_examples(tmp_path, stand_in, monkeypatch):
    netG = _run_dir(tmp_path)
    monkeypatch.chdir(tmp_path)
    real = mmc.datasets.load_dataset("unused", "fake_data", size=24, image_size=(3, 32, 32))
    by_name = mmc.metrics.evaluate(metric="fid", log_dir=str(tmp_path), netG=netG, dataset_name=real,
                                   num_real_samples=24, num_fake_samples=24, evaluate_step=1, num_runs=1,
                                   device="cpu", write_to_json=False)
    by_dataset = mmc.metrics.evaluate(metric="fid", log_dir=str(tmp_path), netG=netG, dataset=real,
                                      num_real_samples=24, num_fake_samples=24, evaluate_step=1, num_runs=1,
                                      device="cpu", write_to_json=False)
    assert by_name == by_dataset
    with pytest.raises(ValueError, match="not both"):
        mmc.metrics.evaluate(metric="fid", log_dir=str(tmp_path), netG=netG, dataset=real, dataset_name=real,
                             num_real_samples=24, num_fake_samples=24, evaluate_step=1)
    # KID by num_subsets and subset_size: num_samples = their product, subsets of subset_size
    kid = mmc.metrics.evaluate(metric="kid", log_dir=str(tmp_path), netG=netG, dataset_name=real, num_subsets=3,
                               subset_size=8, evaluate_step=2, num_runs=1, device="cpu")
    protocol = json.load(open(tmp_path / "kid_0k_protocol.json"))["2"][0]
    assert protocol["num_real"] == 24 and protocol["details"] == {"subsets": 3, "subset_size": 8}
    assert json.load(open(tmp_path / "kid_0k.json")) == {"2": kid[2]}
    with pytest.raises(ValueError, match="subset_size"):
        mmc.metrics.evaluate(metric="kid", log_dir=str(tmp_path), netG=netG, dataset=real, num_subsets=3,
                             subset_size=1, evaluate_step=2)


def test_inception_score_keywords_and_evaluate(tmp_path, inception, monkeypatch):
    monkeypatch.setattr(_options, "DEFAULT_OPTIONS", {"inception_weights": inception})
    netG = _run_dir(tmp_path)
    mean, std = mmc.metrics.inception_score(num_samples=4, netG=netG, seed=0, log_dir=str(tmp_path), device="cpu",
                                            splits=2)
    assert mean.metric == "is" and mean.num_fake == 4 and 1.0 <= float(mean) <= 2.0 and std >= 0.0
    scores = mmc.metrics.evaluate(metric="inception_score", log_dir=str(tmp_path), netG=netG, num_samples=4,
                                  splits=2, evaluate_step=1, num_runs=1, device="cpu")
    assert scores[1] == [pytest.approx(float(mean))]
    assert json.load(open(tmp_path / "inception_score_0k.json")) == {"1": scores[1]}
