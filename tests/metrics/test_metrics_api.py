"""The public API around the metrics: scores that are floats with metadata, one extraction pass for
several metrics, streaming FID, log records, and the metric functions' own argument checks."""
import copy
import json
import pickle

import numpy as np
import pytest
import torch

from helpers.metrics import smooth_images
from helpers.values import assert_refuses_bad_ints
from torch_gan_zoo.metrics import (
    OPTIONS,
    Score,
    api,
    compute_is,
    compute_metrics,
    compute_prdc,
    extract_features,
    inception_score,
    kernel_inception_distance,
    prdc,
)
from torch_gan_zoo.metrics import fid as fid_module


pytestmark = pytest.mark.usefixtures("fresh_home")


def test_score_is_a_float_with_its_protocol():
    s = Score(12.5, "fid", num_real=10, num_fake=20, protocol="tf1", weights_sha256="ab" * 32, seed=3,
              real_source="dataset x", details={"per_class": {0: Score(1.0, "fid")}})
    assert s == 12.5 and s + 1 == 13.5 and f"{s:.1f}" == "12.5" and str(s) == "12.5" and s.value == 12.5
    assert isinstance(s, float) and s.num_real == 10 and s.std is None
    record = s.as_dict()
    assert json.loads(json.dumps(record))["details"] == {"per_class": {"0": 1.0}}
    assert record["value"] == 12.5 and record["protocol"] == "tf1" and record["weights_sha256"] == "ab" * 32
    for clone in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s)):
        assert clone == s and clone.num_real == 10 and clone.protocol == "tf1" and clone.seed == 3
    text = repr(s)
    assert "fid=12.5" in text and "num_real=10" in text and "protocol='tf1'" in text and "weights=abababababab" in text
    assert "std=" in repr(Score(2.0, "is", std=0.1))
    with pytest.raises(TypeError, match="unknown Score fields"):
        Score(1.0, "fid", colour="red")


def test_all_metrics_from_one_pass_per_side(inception, monkeypatch):
    passes = []
    original = api.run_extraction
    monkeypatch.setattr(api, "run_extraction", lambda s, h, **kw: passes.append(kw) or original(s, h, **kw))
    real, fake = smooth_images(8, 1, size=16), smooth_images(8, 2, size=16, noise=0.6)
    results = compute_metrics(real, fake, splits=2, subsets=3, subset_size=6, nearest_k=2, inception_weights=inception,
                              device="cpu", batch_size=5)
    assert len(passes) == 2
    assert passes[0]["keep_logits"] and passes[0]["keep_pool3"] and not passes[1]["keep_logits"]
    assert set(results) == {"fid", "is", "kid", "precision", "recall", "density", "coverage"}
    for name, score in results.items():
        assert score.metric == name and score.num_fake == 8 and score.protocol == "tf1" and score.fast
        assert len(score.weights_sha256) == 64 and score.seed == 0
    assert results["is"].num_real is None and results["fid"].num_real == 8
    # the same numbers as the single-metric functions
    alone = compute_is(fake, splits=2, inception_weights=inception, device="cpu", batch_size=5)
    assert float(alone) == float(results["is"]) and alone.std == results["is"].std
    prdc_alone = compute_prdc(real, fake, nearest_k=2, inception_weights=inception, device="cpu", batch_size=5)
    assert {k: float(v) for k, v in prdc_alone.items()} == {k: float(results[k]) for k in prdc_alone}
    assert compute_metrics(real, fake, metrics="inception_score", splits=2, inception_weights=inception,
                           device="cpu").keys() == {"is"}
    with pytest.raises(ValueError, match="unknown metric 'lpips'"):
        compute_metrics(real, fake, metrics=["fid", "lpips"], inception_weights=inception)
    with pytest.raises(ValueError, match="no metric"):
        compute_metrics(real, fake, metrics=[], inception_weights=inception)
    with pytest.raises(ValueError, match="need real images"):
        compute_metrics(None, fake, metrics=["fid"], inception_weights=inception)
    with pytest.raises(ValueError, match="no generated images"):
        compute_metrics(real, None, metrics=["fid"], inception_weights=inception)


def test_fid_streams_its_statistics(tiny, monkeypatch):
    """FID keeps no feature matrix: only O(d^2) moments updated batch by batch."""
    updates = []
    original = fid_module.StreamingMoments.update
    monkeypatch.setattr(fid_module.StreamingMoments, "update", lambda self, f: updates.append(f.shape[0]) or
                        original(self, f))
    passes = []
    original_run = api.run_extraction
    monkeypatch.setattr(api, "run_extraction", lambda s, h, **kw: passes.append(kw) or original_run(s, h, **kw))
    real, fake = smooth_images(23, 1, size=8), smooth_images(17, 2, size=8)
    score = api.compute_fid(real, fake, inception_weights=tiny, device="cpu", batch_size=4)
    assert all(not kw["keep_pool3"] and not kw["keep_logits"] for kw in passes)
    assert max(updates) <= 4 and sum(updates) == 40 and score.num_real == 23 and score.num_fake == 17


def test_log_dir_records(tiny, tmp_path):
    real, fake = smooth_images(6, 1, size=8), smooth_images(6, 2, size=8)
    log = tmp_path / "log"
    compute_metrics(real, fake, metrics=["fid", "kid"], subset_size=4, subsets=2, inception_weights=tiny,
                    device="cpu", log_dir=str(log))
    compute_metrics(real, fake, metrics=["fid"], inception_weights=tiny, device="cpu", log_dir=str(log))
    records = json.loads((log / "metrics" / "fid.json").read_text())
    assert len(records) == 2 and records[0]["value"] == records[1]["value"] and records[0]["num_real"] == 6
    assert records[0]["protocol"] == "tf1" and "time" in records[0]
    assert len(json.loads((log / "metrics" / "kid.json").read_text())) == 1
    (log / "metrics" / "fid.json").write_text("{broken")
    with pytest.warns(RuntimeWarning, match="unreadable"):
        compute_metrics(real, fake, metrics=["fid"], inception_weights=tiny, device="cpu", log_dir=str(log))
    assert len(json.loads((log / "metrics" / "fid.json").read_text())) == 1


def test_options_and_defaults(tiny):
    assert OPTIONS["batch_size"] == 50 and OPTIONS["protocol"] == "tf1" and OPTIONS["seed"] == 0
    assert OPTIONS["split"] == "train" and OPTIONS["quantize"] and OPTIONS["cache"]
    score = api.compute_fid(smooth_images(4, 1, size=8), smooth_images(4, 2, size=8), inception_weights=tiny,
                            protocol="torch-fidelity", verbose=True)
    assert score.protocol == "tf1"  # aliases resolve to the canonical name
    expected_device = "cuda" if torch.cuda.is_available() else "cpu"
    assert api._parse_options({}, "f").device.type == expected_device


def test_extract_features_refuses_statistics_files(tiny, tmp_path):
    path = str(tmp_path / "s.npz")
    np.savez(path, mu=np.zeros(2048), sigma=np.eye(2048))
    with pytest.raises(ValueError, match="holds only FID statistics, not images"):
        extract_features(path, inception_weights=tiny, device="cpu")


def test_metric_functions_check_their_arguments():
    rng = np.random.RandomState(0)
    logits = torch.from_numpy(rng.randn(20, 5))
    mean, std = inception_score(logits, splits=4)
    assert mean > 1 and std > 0
    assert inception_score(logits, splits=1, shuffle=False)[1] == 0
    assert inception_score(torch.zeros(10, 5), splits=2) == (1.0, 0.0)  # identical predictions: IS = 1
    huge = torch.zeros(6, 3)
    huge[:, 0] = 1e4  # softmax underflows to exact zeros: 0 log 0 = 0, not NaN
    assert inception_score(huge, splits=2) == (1.0, 0.0)
    with pytest.raises(ValueError, match="shape \\(N, num_classes\\)"):
        inception_score(torch.zeros(5))
    with pytest.raises(ValueError, match="NaN"):
        inception_score(torch.full((4, 3), float("nan")), splits=2)
    x, y = torch.from_numpy(rng.randn(30, 8)), torch.from_numpy(rng.randn(30, 8) + 1)
    same = kernel_inception_distance(x, x.clone(), subsets=5, subset_size=10)
    diff = kernel_inception_distance(x, y, subsets=5, subset_size=10)
    assert abs(same[0]) < diff[0]
    assert_refuses_bad_ints(lambda v: kernel_inception_distance(x, y, subsets=v, subset_size=10), "KID subsets")
    with pytest.raises(ValueError, match="subset_size must be an int >= 2"):
        kernel_inception_distance(x, y, subset_size=1)
    with pytest.raises(ValueError, match="shapes \\(N1, d\\) and \\(N2, d\\)"):
        kernel_inception_distance(x, y[:, :4], subset_size=10)
    values = prdc(x, x.clone(), nearest_k=3)
    assert values["precision"] == 1 and values["recall"] == 1 and values["coverage"] == 1
    with pytest.raises(ValueError, match="more than 3 samples"):
        prdc(x[:3], y, nearest_k=3)
    assert_refuses_bad_ints(lambda v: prdc(x, y, nearest_k=v), "nearest_k")
    with pytest.raises(ValueError, match="shapes"):
        prdc(x, y[:, :2])


def test_tf32_is_disabled_during_extraction_on_cuda():
    from torch_gan_zoo.metrics.features import _exact_fp32

    saved = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = True
    try:
        with _exact_fp32(torch.device("cuda")):  # only flips flags: runs without a GPU
            assert not torch.backends.cudnn.allow_tf32 and not torch.backends.cuda.matmul.allow_tf32
        assert torch.backends.cudnn.allow_tf32
        with _exact_fp32(torch.device("cpu")):
            assert torch.backends.cudnn.allow_tf32
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = saved


def test_logits_need_a_classifier(tiny):
    with pytest.raises(ValueError, match="no classifier \\(logits\\) layer"):
        extract_features(smooth_images(3, 0, size=8), logits=True, inception_weights=tiny, device="cpu")


def test_log_file_that_is_not_a_list_is_replaced(tiny, tmp_path):
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "fid.json").write_text('{"value": 1}')
    with pytest.warns(RuntimeWarning, match="not a JSON list"):
        api.compute_fid(smooth_images(3, 0, size=8), smooth_images(3, 1, size=8), inception_weights=tiny,
                        device="cpu", log_dir=str(tmp_path))
    assert len(json.loads((tmp_path / "metrics" / "fid.json").read_text())) == 1


def test_statistics_shape_checks():
    from torch_gan_zoo.metrics import FIDStatistics, StreamingMoments

    acc = StreamingMoments(3)
    acc.update(torch.zeros(0, 3))
    assert acc.count == 0
    with pytest.raises(ValueError, match="mu of shape \\(d,\\) and sigma of shape \\(d, d\\)"):
        FIDStatistics(np.zeros(3), np.eye(2))
    with pytest.raises(ValueError, match="factor must have shape \\(n, 3\\)"):
        FIDStatistics(np.zeros(3), np.eye(3), factor=np.zeros((2, 2)))


def test_feature_rows_are_collected_without_a_second_copy():
    from torch_gan_zoo.metrics.features import _Rows

    known = _Rows(5, 2)
    buf = known.buf
    known.add(torch.ones(3, 2, dtype=torch.float64))
    known.add(torch.zeros(2, 2))
    out = known.result()
    assert out.data_ptr() == buf.data_ptr() and out.dtype == torch.float32 and out.sum() == 6
    unknown = _Rows(None, 2)
    unknown.add(torch.ones(3, 2))
    assert unknown.result().shape == (3, 2)
    overflow = _Rows(2, 2)
    overflow.add(torch.ones(2, 2))
    overflow.add(torch.full((1, 2), 2.0))
    assert overflow.result().tolist() == [[1, 1], [1, 1], [2, 2]]
