"""How the Inception network runs: reduced precision (``precision=``), batch-norm folding with the fused
ReLU, and features that do not depend on the batch size. Random weights, a handful of images."""
import copy
import threading

import pytest
import torch
from helpers.metrics import smooth_images

from torch_gan_zoo.metrics import (
    api,
    compute_fid,
    compute_metrics,
    compute_statistics,
    extract_features,
    load_inception_file,
)
from torch_gan_zoo.metrics.stats_cache import StatsCache, make_cache_key
from torch_gan_zoo.metrics import weights
from torch_gan_zoo.metrics.weights import PRECISIONS, get_inception, resolve_precision
from torch_gan_zoo.utils.cpu import cpu_bf16_is_native

pytestmark = pytest.mark.usefixtures("fresh_home")

#: The state-dict network's fused convolution needs oneDNN's native bf16 (AVX-512 or AMX).
needs_native_bf16 = pytest.mark.skipif(not cpu_bf16_is_native(), reason="this CPU has no native bf16 (AVX2)")


@pytest.fixture
def bf16_offered(monkeypatch):
    """Offer bf16 on any CPU, for the tiny TorchScript network (plain convolutions, which PyTorch emulates in bf16
    where the CPU lacks it: slow for a real network, fine for this one)."""
    monkeypatch.setattr(weights, "cpu_bf16_is_native", lambda: True)


@pytest.fixture(scope="module")
def images():
    return smooth_images(4, 0), smooth_images(4, 1)


def _rel(a, b):
    return ((a - b).norm() / b.norm()).item()


def test_folded_network_computes_the_same_features(inception):
    net = load_inception_file(inception)  # random weights with calibrated (non-trivial) batch-norm statistics
    bn = net.Mixed_6b.branch7x7_2.bn
    assert bn.running_mean.abs().max() > 1e-3 and (bn.running_var - 1).abs().max() > 1e-3  # folding is not trivial
    folded = copy.deepcopy(net).fold_batchnorm()
    assert folded.Mixed_6b.branch7x7_2.fused and isinstance(folded.Mixed_6b.branch7x7_2.bn, torch.nn.Identity)
    assert folded.fold_batchnorm() is folded  # folding twice changes nothing
    x = torch.rand(1, 3, 299, 299) * 2 - 1
    with torch.inference_mode():
        ref = net(x)
        for inp in (x, x.contiguous(memory_format=torch.channels_last)):
            out = folded.to(memory_format=torch.channels_last)(inp)
            assert (out - ref).abs().max() <= 1e-5 * ref.abs().max()
        assert (folded.logits(out) - net.logits(ref)).abs().max() <= 1e-5 * net.logits(ref).abs().max()


def test_features_do_not_depend_on_the_batch_size(inception, images):
    real, _ = images  # the fast (folded, fused, channels-last) network; the exact one: test_metrics_agreement
    one, three = (extract_features(real[:3], inception_weights=inception, device="cpu", batch_size=b) for b in (1, 3))
    assert three.shape == (3, 2048)
    assert (one - three).abs().max() <= 1e-5 * three.abs().max()


@needs_native_bf16
def test_bf16_gives_finite_close_numbers_and_records_its_precision(inception, images):
    real, fake = images
    fp32 = extract_features(real, inception_weights=inception, device="cpu")
    bf16 = extract_features(real, inception_weights=inception, device="cpu", precision="bf16")
    assert bf16.dtype == torch.float32 and torch.isfinite(bf16).all()
    # it really ran in bf16, and stayed near (random weights amplify bf16 rounding far more than the real
    # ones: ~2 % of the feature norm there, and FID within 0.5 %; see docs/evaluating.rst)
    assert 0 < _rel(bf16, fp32) < 0.3
    handle = get_inception(inception, "cpu", precision="bf16")
    assert handle.precision == "bf16" and handle.net.Conv2d_1a_3x3.conv.weight.dtype == torch.bfloat16
    assert handle.net.fc.weight.dtype == torch.float32  # the logits stay float32
    assert get_inception(inception, "cpu", precision="bf16") is handle
    assert get_inception(inception, "cpu") is not handle

    scores = compute_metrics(real, fake, metrics=("fid", "is", "kid"), splits=2, subsets=2, subset_size=3,
                             inception_weights=inception, device="cpu", precision="bf16")
    assert set(scores) == {"fid", "is", "kid"}
    for score in scores.values():
        assert score.precision == "bf16" and score.as_dict()["precision"] == "bf16"
        assert torch.isfinite(torch.tensor(float(score)))
    assert scores["is"] > 1 and scores["fid"] > 0


def test_torchscript_network_runs_under_bf16_autocast(tiny, images, bf16_offered):
    real, fake = images
    fp32 = compute_fid(real, fake, inception_weights=tiny, device="cpu")
    bf16 = compute_fid(real, fake, inception_weights=tiny, device="cpu", precision="bfloat16")
    assert bf16.precision == "bf16" and fp32.precision == "fp32"
    assert bf16 != fp32 and bf16 == pytest.approx(fp32, rel=0.05)
    assert compute_fid(real, fake, inception_weights=tiny, device="cpu", precision="fp32") == fp32


def test_precision_is_part_of_the_statistics_cache_key(tiny, images, bf16_offered, tmp_path):
    real, _ = images
    key = dict(protocol="tf1", quantize=True, weights_sha256="a" * 64, fast=True)
    cache = StatsCache(str(tmp_path))
    assert cache.path_for(make_cache_key({"name": "x"}, **key)) != cache.path_for(
        make_cache_key({"name": "x"}, precision="bf16", **key))
    # a cached folder's fp32 statistics are not served for bf16
    folder = tmp_path / "imgs"
    folder.mkdir()
    from PIL import Image

    for i, img in enumerate((real.add(1).mul(127.5).round().byte()).permute(0, 2, 3, 1).numpy()):
        Image.fromarray(img).save(folder / f"{i}.png")
    a = compute_statistics(str(folder), inception_weights=tiny, device="cpu", cache_dir=str(tmp_path / "c"))
    b = compute_statistics(str(folder), inception_weights=tiny, device="cpu", cache_dir=str(tmp_path / "c"),
                           precision="bf16")
    assert b.meta["precision"] == "bf16" and a.meta["precision"] == "fp32"
    assert not (a.mu == b.mu).all()
    assert len(list((tmp_path / "c").iterdir())) == 2


def test_invalid_precision_is_refused_with_a_clear_error(tiny, images, monkeypatch):
    real, fake = images
    assert resolve_precision("BF16", "cuda") == "bf16" and resolve_precision("float32") == "fp32"
    assert set(PRECISIONS) == {"fp32", "bf16", "fp16"}
    for bad in ("int8", "fp64", 16, None):
        with pytest.raises(ValueError, match="unknown precision .*choose one of fp32, bf16, fp16"):
            compute_fid(real, fake, inception_weights=tiny, device="cpu", precision=bad)
    monkeypatch.setattr(weights, "cpu_bf16_is_native", lambda: True)  # a CPU with bf16 is pointed to it
    with pytest.raises(ValueError, match="'fp16' is offered on CUDA only.*use precision='bf16' on the CPU"):
        compute_fid(real, fake, inception_weights=tiny, device="cpu", precision="fp16")
    monkeypatch.setattr(weights, "cpu_bf16_is_native", lambda: False)  # then bf16 is not the advice
    with pytest.raises(ValueError, match="'fp16' is offered on CUDA only .device cpu.; use precision='fp32'$"):
        compute_fid(real, fake, inception_weights=tiny, device="cpu", precision="fp16")
    with pytest.raises(ValueError, match="unknown precision"):
        get_inception(tiny, "cpu", precision="fp8")
    assert api.OPTIONS["precision"] == "fp32"


def test_bf16_is_refused_on_a_cpu_without_native_bf16(tiny, inception, images, monkeypatch):
    # on an AVX2 CPU oneDNN's fused convolution refused bf16 deep inside a worker thread, and emulated bf16 ran
    # many times slower than fp32: the option must fail at once, saying why and what to use instead
    from torch_gan_zoo.training.evaluation import Evaluator

    real, fake = images
    monkeypatch.setattr(weights, "cpu_bf16_is_native", lambda: False)
    monkeypatch.setattr(weights, "cpu_capability", lambda: "AVX2")
    message = r"precision 'bf16' is not offered on this CPU: .*capability AVX2.*use precision='fp32'"
    for net in (tiny, inception):
        with pytest.raises(ValueError, match=message):
            compute_fid(real, fake, inception_weights=net, device="cpu", precision="bf16")
    with pytest.raises(ValueError, match=message):
        get_inception(inception, "cpu", precision="bfloat16")
    assert resolve_precision("bf16", "cuda") == "bf16"  # the GPU is not this CPU
    assert resolve_precision("fp32", "cpu") == "fp32"
    evaluator = Evaluator(real, num_samples=4, batch_size=4, inception_weights=tiny, precision="bf16")
    evaluator.check_ready()
    evaluator.check_device("cuda")
    with pytest.raises(ValueError, match=message):  # the Trainer calls this before its first step
        evaluator.check_device("cpu")


def test_metrics_come_from_the_registry():
    assert set(api.METRICS) == set(api.METRIC_SPECS) == {"fid", "is", "kid", "prdc"}
    assert api.METRIC_SPECS["prdc"].results == ("precision", "recall", "density", "coverage")
    assert not api.METRIC_SPECS["is"].needs_real and api.METRIC_SPECS["is"].features == "logits"
    assert api._normalise_metrics(["Inception-Score", "fid", "fid"]) == ["is", "fid"]
    with pytest.raises(ValueError, match="unknown metric 'lpips'; choose from fid, is, kid, prdc"):
        api._normalise_metrics("lpips")


def test_evaluator_passes_its_precision_to_the_metrics(tiny, images, monkeypatch, bf16_offered):
    from torch_gan_zoo.training.evaluation import Evaluator

    real, _ = images
    evaluator = Evaluator(real, num_samples=4, batch_size=4, inception_weights=tiny, precision="bf16")
    assert evaluator.to_config()["precision"] == "bf16"
    seen = []
    real_get = get_inception

    def spy(*args, **kwargs):
        seen.append(kwargs.get("precision"))
        return real_get(*args, **kwargs)

    monkeypatch.setattr(api, "get_inception", spy)
    evaluator._real_side(torch.device("cpu"))
    assert seen == ["bf16"] and evaluator._real_stats.meta["precision"] == "bf16"
    with pytest.raises(ValueError, match="unknown precision"):
        Evaluator(real, precision="int8")


def _extract(images, weights, **kwargs):
    from torch_gan_zoo.metrics.features import run_extraction
    from torch_gan_zoo.metrics.inputs import make_source

    return run_extraction(make_source(images), get_inception(weights, "cpu"), **kwargs)


def test_worker_threads_give_the_same_features_moments_and_logits(inception, images):
    real, fake = images
    five = torch.cat([real, fake[:1]])  # 5 images in batches of 3: slices of 2 and 1, a short last batch
    threads = torch.get_num_threads()
    runs = {w: _extract(five, inception, batch_size=3, keep_pool3=True, keep_logits=True, workers=w) for w in (1, 2, 3)}
    assert torch.get_num_threads() == threads  # the workers' single-threading does not leak into the caller
    one = runs[1]
    for w in (2, 3):
        run = runs[w]
        assert run.count == 5 and run.pool3.shape == (5, 2048) and run.logits.shape == (5, 1008)
        assert _rel(run.pool3, one.pool3) <= 1e-6 and _rel(run.logits, one.logits) <= 1e-6
        stats, ref = run.moments.statistics(), one.moments.statistics()
        assert stats.num_samples == ref.num_samples == 5
        assert _rel(torch.as_tensor(stats.mu), torch.as_tensor(ref.mu)) <= 1e-6
        assert _rel(torch.as_tensor(stats.sigma), torch.as_tensor(ref.sigma)) <= 1e-6


def _record_feature_calls(handle, monkeypatch):
    """Spy on ``handle.features``: a list that receives (thread name, torch threads, images) per call."""
    original, calls = handle.features, []

    def spy(x):
        calls.append((threading.current_thread().name, torch.get_num_threads(), x.shape[0]))
        return original(x)

    monkeypatch.setattr(handle, "features", spy)
    return calls


def test_workers_run_slices_single_threaded_in_order(tiny, images, monkeypatch):
    real, fake = images
    handle = get_inception(tiny, "cpu")
    calls = _record_feature_calls(handle, monkeypatch)
    eight = torch.cat([real, fake])
    ref = _extract(eight, tiny, batch_size=8, keep_pool3=True, workers=1).pool3
    assert [c[2] for c in calls] == [8] and calls[0][0] == threading.current_thread().name
    calls.clear()
    out = _extract(eight, tiny, batch_size=8, keep_pool3=True, workers=2).pool3
    assert sorted(c[2] for c in calls) == [4, 4]  # one batch of 8 shared by two workers
    assert all(name.startswith("inception") and n == 1 for name, n, _ in calls)
    assert torch.equal(out, ref)  # rows in the source's order
    calls.clear()
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:  # default on the CPU: a TorchScript extractor runs whole batches in the calling thread
        _extract(eight, tiny, batch_size=4, keep_pool3=True)
    finally:
        torch.set_num_threads(threads)
    assert [c[2] for c in calls] == [4, 4] and all(c[0] == threading.current_thread().name for c in calls)


def test_our_network_uses_one_worker_per_torch_thread_by_default(inception, images, monkeypatch):
    handle = get_inception(inception, "cpu")
    calls = _record_feature_calls(handle, monkeypatch)
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        _extract(images[0], inception, batch_size=4)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(threads)
    assert sorted(c[1:] for c in calls) == [(1, 2), (1, 2)] and all(c[0].startswith("inception") for c in calls)


def test_worker_errors_reach_the_caller_and_stop_the_workers(tiny, images, monkeypatch):
    real, fake = images
    handle = get_inception(tiny, "cpu")
    threads = torch.get_num_threads()
    monkeypatch.setattr(handle, "features", lambda x: torch.full((x.shape[0], 2048), float("nan")))
    with pytest.raises(ValueError, match="NaN or infinite"):
        _extract(torch.cat([real, fake]), tiny, batch_size=2, workers=2)

    def broken(x):
        raise RuntimeError("worker failed")

    monkeypatch.setattr(handle, "features", broken)
    with pytest.raises(RuntimeError, match="worker failed"):
        _extract(torch.cat([real, fake]), tiny, batch_size=2, workers=2)
    assert not [t for t in threading.enumerate() if t.name.startswith("inception")]  # the pool was shut down
    assert torch.get_num_threads() == threads
    with pytest.raises(ValueError, match="workers"):
        _extract(real, tiny, workers=0)
