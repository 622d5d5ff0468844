"""The reference-statistics cache: keyed by everything that changes the numbers, stale and corrupt
entries detected and recomputed, pool3 features stored for KID/PRDC."""
import os
import warnings

import numpy as np
import pytest
import torch
import torchvision

from helpers.metrics import smooth_images
from torch_gan_zoo.metrics import api, compute_fid, compute_kid, compute_metrics
from torch_gan_zoo.metrics.fid import FIDStatistics
from torch_gan_zoo.metrics.stats_cache import StatsCache, make_cache_key


pytestmark = pytest.mark.usefixtures("fresh_home")


@pytest.fixture
def passes(monkeypatch):
    """Counts the feature-extraction passes and what each one kept."""
    calls = []
    original = api.run_extraction

    def spy(source, handle, **kwargs):
        calls.append((source.description, kwargs))
        return original(source, handle, **kwargs)

    monkeypatch.setattr(api, "run_extraction", spy)
    return calls


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "real"
    path.mkdir()
    images = smooth_images(9, 3, size=16)
    for i in range(len(images)):
        torchvision.utils.save_image(images[i], str(path / f"{i}.png"), normalize=True, value_range=(-1, 1))
    return path


def _key(**changes):
    identity = {"kind": "dataset", "name": "cifar10", "split": "train", "resolution": None, "root": "/data",
                "kwargs": {}, "num_samples": 10000, "total": 50000, "subset_seed": 0}
    key = {"protocol": "tf1", "quantize": True, "weights_sha256": "a" * 64, "fast": True}
    for k, v in changes.items():
        if k in identity:
            identity[k] = v
        else:
            key[k] = v
    return make_cache_key(identity, **key)


def test_keys_separate_everything_that_changes_the_number(tmp_path):
    cache = StatsCache(str(tmp_path))
    base = cache.path_for(_key())
    variants = [
        _key(num_samples=10500),  # Mimicry's N // 1000 would collide here
        _key(split="test"),
        _key(protocol="pytorch-fid"),
        _key(quantize=False),
        _key(weights_sha256="b" * 64),
        _key(fast=False),
        _key(resolution=32),
        _key(subset_seed=1),
        _key(name="cifar100"),
        _key(root="/other"),
    ]
    paths = {cache.path_for(k) for k in variants}
    assert base not in paths and len(paths) == len(variants)
    assert os.path.basename(base).startswith("cifar10-train-10000-tf1-")
    assert cache.path_for(_key()) == base  # deterministic


def test_folder_statistics_are_cached_and_invalidated_when_files_change(tiny, folder, passes):
    fake = smooth_images(9, 4, size=16)
    first = compute_fid(str(folder), fake, inception_weights=tiny, device="cpu")
    assert len(passes) == 2
    second = compute_fid(str(folder), fake, inception_weights=tiny, device="cpu")
    assert len(passes) == 3 and "image folder" not in passes[2][0]  # the real side came from the cache
    assert float(second) == float(first)
    cache_dir = os.path.join(os.environ["TORCH_GAN_ZOO_HOME"], "fid_stats")
    assert len(os.listdir(cache_dir)) == 1
    torchvision.utils.save_image(fake[0], str(folder / "0.png"), normalize=True, value_range=(-1, 1))
    third = compute_fid(str(folder), fake, inception_weights=tiny, device="cpu")
    assert len(passes) == 5 and float(third) != float(first)  # changed file: recomputed
    compute_fid(str(folder), fake, inception_weights=tiny, device="cpu", cache=False)
    assert len(passes) == 7
    compute_fid(str(folder), fake, inception_weights=tiny, device="cpu", protocol="pytorch-fid")
    assert len(passes) == 9 and len(os.listdir(cache_dir)) == 3  # another protocol: another entry


def test_corrupt_and_stale_entries_are_recomputed(tiny, folder, passes):
    fake = smooth_images(9, 4, size=16)
    expected = float(compute_fid(str(folder), fake, inception_weights=tiny, device="cpu"))
    cache_dir = os.path.join(os.environ["TORCH_GAN_ZOO_HOME"], "fid_stats")
    (entry,) = [os.path.join(cache_dir, n) for n in os.listdir(cache_dir)]
    with open(entry, "r+b") as f:  # flip bytes in the middle of the archive
        f.seek(os.path.getsize(entry) // 2)
        f.write(b"\xff" * 64)
    with pytest.warns(RuntimeWarning, match="corrupt or stale statistics cache file"):
        assert float(compute_fid(str(folder), fake, inception_weights=tiny, device="cpu")) == expected
    assert len(passes) == 4  # the real side was extracted again ...
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compute_fid(str(folder), fake, inception_weights=tiny, device="cpu")  # ... and the rewritten entry is good
    assert len(passes) == 5
    # an entry holding other statistics under this file name (stale / colliding) is not trusted
    with np.load(entry) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["mu"] = arrays["mu"] + 1
    np.savez(entry, **arrays)
    with pytest.warns(RuntimeWarning, match="checksum"):
        assert float(compute_fid(str(folder), fake, inception_weights=tiny, device="cpu")) == expected
    arrays["meta"] = np.array(str(arrays["meta"]).replace('"format": 1', '"format": 0'))
    np.savez(entry, **arrays)
    with pytest.warns(RuntimeWarning, match="another key"):
        compute_fid(str(folder), fake, inception_weights=tiny, device="cpu")


def test_pool3_features_are_cached_for_kid(tiny, folder, passes):
    fake = smooth_images(9, 4, size=16)
    compute_fid(str(folder), fake, inception_weights=tiny, device="cpu")  # entry without features
    assert [kw["keep_pool3"] for _, kw in passes] == [False, False]
    kid = compute_kid(str(folder), fake, subset_size=5, subsets=3, inception_weights=tiny, device="cpu")
    assert len(passes) == 4  # the entry lacked the features: recomputed with them
    again = compute_kid(str(folder), fake, subset_size=5, subsets=3, inception_weights=tiny, device="cpu")
    assert len(passes) == 5 and float(again) == float(kid)
    both = compute_metrics(str(folder), fake, metrics=["fid", "kid"], subset_size=5, subsets=3,
                           inception_weights=tiny, device="cpu")
    assert len(passes) == 6 and float(both["kid"]) == float(kid)


def test_cache_api_roundtrip_and_missing_entries(tmp_path):
    cache = StatsCache(str(tmp_path))
    key = _key()
    assert cache.load(key) is None
    stats = FIDStatistics(np.arange(3.0), np.eye(3), 7, {"source": "x"})
    cache.save(key, stats)
    loaded, feats = cache.load(key)
    assert feats is None and loaded.num_samples == 7 and np.array_equal(loaded.sigma, np.eye(3))
    assert cache.load(key, need_pool3=True) is None  # saved without features
    cache.save(key, stats, pool3=torch.ones(7, 3).numpy())
    loaded, feats = cache.load(key, need_pool3=True)
    assert feats.shape == (7, 3) and feats.dtype == np.float32
    with np.load(cache.path_for(key)) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["pool3"][0, 0] = 5
    np.savez(cache.path_for(key), **arrays)
    with pytest.warns(RuntimeWarning, match="checksum of the pool3 features"):
        assert cache.load(key, need_pool3=True) is None
    nan_stats = FIDStatistics(np.array([np.nan, 0, 0]), np.eye(3), 7)
    cache.save(key, nan_stats)
    with pytest.warns(RuntimeWarning, match="NaN"):
        assert cache.load(key) is None
