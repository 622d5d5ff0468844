"""Agreement with the reference implementations on the same (random) Inception weights and the same images.

* FID vs pytorch-fid's own end-to-end pipeline (PNG files, its InceptionV3, its Fréchet distance):
  relative difference < 1e-3 with ``protocol='pytorch-fid'``.
* FID, IS and KID vs torch-fidelity's ``calculate_metrics`` (``protocol='tf1'``): < 1e-4 relative.
* PRDC vs the ``prdc`` package: equal.
* The square-root trace vs scipy's ``sqrtm``, the streaming moments vs ``numpy.cov``.
"""
import os

import numpy as np
import pytest
import scipy.linalg
import torch
import torchvision

from helpers.metrics import random_inception_file, smooth_images
from torch_gan_zoo.metrics import (
    FIDStatistics,
    StreamingMoments,
    compute_fid,
    compute_metrics,
    compute_prdc,
    extract_features,
    fid_from_statistics,
    frechet_distance,
    prdc,
    quantize_to_uint8,
    trace_sqrt_product,
)

N = 16


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    return random_inception_file(str(tmp_path_factory.mktemp("weights")))


@pytest.fixture(scope="module")
def images():
    return smooth_images(N, 1), smooth_images(N, 2, noise=0.6)


pytestmark = pytest.mark.usefixtures("fresh_home")


class _U8Dataset(torch.utils.data.Dataset):
    def __init__(self, images):
        self.images = quantize_to_uint8(images)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.images[i]


def _rel(a, b):
    return abs(float(a) - float(b)) / abs(float(b))


def _pytorch_fid_setup(weights, images, tmp_path, monkeypatch):
    """pytorch-fid's InceptionV3 with our random weights, and the images saved as PNG files."""
    import pytorch_fid.inception as pfi

    state_dict = torch.load(weights)
    monkeypatch.setattr(pfi, "load_state_dict_from_url", lambda *a, **k: state_dict)
    folders = []
    for name, x in zip(("real", "fake"), images):
        os.makedirs(tmp_path / name)
        for i in range(len(x)):
            torchvision.utils.save_image(x[i], str(tmp_path / name / f"{i:03d}.png"), normalize=True,
                                         value_range=(-1, 1))
        folders.append(str(tmp_path / name))
    return folders


def test_fid_agrees_with_pytorch_fid(weights, images, tmp_path, monkeypatch):
    """pytorch-fid's own pipeline (PNG files, its loader, resize, InceptionV3, mean and covariance) vs ours.

    Its ``calculate_frechet_distance`` runs ``scipy.linalg.sqrtm`` on 2048 x 2048 matrices, which takes
    minutes on a CI CPU; it is checked against ours separately, on smaller matrices, below (and the
    whole ``calculate_fid_given_paths`` in the opt-in test after it).
    """
    from pytorch_fid.fid_score import get_activations
    from pytorch_fid.inception import InceptionV3

    folders = _pytorch_fid_setup(weights, images, tmp_path, monkeypatch)
    model = InceptionV3([3])
    stats = []
    for folder in folders:
        files = sorted(os.path.join(folder, n) for n in os.listdir(folder))
        act = get_activations(files, model, 50, 2048, "cpu", num_workers=0)
        # what its calculate_activation_statistics does, plus the factor for our exact low-rank route
        mu, sigma = np.mean(act, axis=0), np.cov(act, rowvar=False)
        stats.append(FIDStatistics(mu, sigma, len(act), factor=(act - mu) / np.sqrt(len(act) - 1)))
    reference = fid_from_statistics(*stats)
    assert reference > 1  # the image sets differ: a meaningful comparison
    real, fake = images
    exact = compute_fid(real, fake, inception_weights=weights, protocol="pytorch-fid", fast=False, device="cpu")
    # the default fast network, and the PNG folders themselves as input
    fast = compute_fid(folders[0], folders[1], inception_weights=weights, protocol="pytorch-fid", device="cpu",
                       batch_size=10, cache=False)
    assert _rel(exact, reference) < 1e-5
    assert _rel(fast, reference) < 1e-3
    assert fast.protocol == "pytorch-fid" and fast.num_real == N and fast.num_fake == N


def test_frechet_distance_agrees_with_pytorch_fid():
    from pytorch_fid.fid_score import calculate_frechet_distance

    rng = np.random.RandomState(0)
    for d, n in ((64, 300), (256, 1000)):
        a, b = rng.randn(n, d), rng.randn(n, d) @ rng.randn(d, d) * 0.3 + 0.2
        args = (a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))
        assert frechet_distance(*args) == pytest.approx(calculate_frechet_distance(*args), rel=1e-9)


@pytest.mark.skipif(not os.environ.get("TGZ_FULL_AGREEMENT"), reason="set TGZ_FULL_AGREEMENT=1: minutes of sqrtm")
def test_fid_agrees_with_pytorch_fid_end_to_end(weights, images, tmp_path, monkeypatch):
    from pytorch_fid.fid_score import calculate_fid_given_paths

    folders = _pytorch_fid_setup(weights, images, tmp_path, monkeypatch)
    reference = calculate_fid_given_paths(folders, 50, "cpu", 2048, num_workers=0)
    ours = compute_fid(folders[0], folders[1], inception_weights=weights, protocol="pytorch-fid", device="cpu")
    assert _rel(ours, reference) < 1e-3


def test_fid_is_kid_agree_with_torch_fidelity(weights, images):
    """torch-fidelity's feature extraction (uint8 Dataset, its InceptionV3 with TF1 resize) and its IS and KID
    code vs ours. (Its FID function runs ``numpy.linalg.eigvals`` on 2048 x 2048 matrices, slow on CI: its
    statistics are fed to our Fréchet distance here, and the two distance functions are compared below.)"""
    from torch_fidelity.metric_fid import fid_featuresdict_to_statistics
    from torch_fidelity.metric_isc import isc_featuresdict_to_metric
    from torch_fidelity.metric_kid import kid_featuresdict_to_metric
    from torch_fidelity.utils import create_feature_extractor, get_featuresdict_from_dataset

    real, fake = images
    extractor = create_feature_extractor("inception-v3-compat", ["2048", "logits_unbiased"], cuda=False,
                                         feature_extractor_weights_path=weights, verbose=False)
    fd_fake, fd_real = (get_featuresdict_from_dataset(_U8Dataset(x), extractor, 16, False, True, False)
                        for x in (fake, real))
    kwargs = dict(isc_splits=4, kid_subsets=20, kid_subset_size=12, rng_seed=2020, verbose=False)
    ref_is = isc_featuresdict_to_metric(fd_fake, "logits_unbiased", **kwargs)
    ref_kid = kid_featuresdict_to_metric(fd_fake, fd_real, "2048", **kwargs)
    st_real, st_fake = (fid_featuresdict_to_statistics(fd, "2048") for fd in (fd_real, fd_fake))
    ref_fid = frechet_distance(st_real["mu"], st_real["sigma"], st_fake["mu"], st_fake["sigma"])
    assert ref_is["inception_score_mean"] > 1.2 and ref_fid > 1
    for fast in (False, True):
        ours = compute_metrics(real, fake, metrics=["fid", "is", "kid"], splits=4, subsets=20, subset_size=12,
                               seed=2020, inception_weights=weights, fast=fast, device="cpu", batch_size=10)
        assert _rel(ours["fid"], ref_fid) < 1e-4
        assert _rel(ours["is"], ref_is["inception_score_mean"]) < 1e-4
        assert _rel(ours["is"].std, ref_is["inception_score_std"]) < 1e-3
        assert _rel(ours["kid"], ref_kid["kernel_inception_distance_mean"]) < 1e-4
        assert _rel(ours["kid"].std, ref_kid["kernel_inception_distance_std"]) < 1e-3
        assert ours["fid"].protocol == "tf1" and ours["kid"].details == {"subsets": 20, "subset_size": 12}


def test_frechet_distance_agrees_with_torch_fidelity():
    from torch_fidelity.metric_fid import fid_statistics_to_metric

    rng = np.random.RandomState(1)
    a, b = rng.randn(400, 64), rng.randn(400, 64) @ rng.randn(64, 64) * 0.3 + 0.2
    st = [{"mu": x.mean(0), "sigma": np.cov(x, rowvar=False)} for x in (a, b)]
    expected = fid_statistics_to_metric(st[0], st[1], False)["frechet_inception_distance"]
    assert frechet_distance(st[0]["mu"], st[0]["sigma"], st[1]["mu"], st[1]["sigma"]) == pytest.approx(expected,
                                                                                                      rel=1e-9)


def test_prdc_equals_the_prdc_package(weights, images):
    from prdc import compute_prdc as reference_prdc

    real, fake = images
    ours = compute_prdc(real, fake, nearest_k=3, inception_weights=weights, device="cpu")
    real_f = extract_features(real, inception_weights=weights, device="cpu").numpy()
    fake_f = extract_features(fake, inception_weights=weights, device="cpu").numpy()
    expected = reference_prdc(real_f, fake_f, nearest_k=3)
    assert set(ours) == {"precision", "recall", "density", "coverage"}
    for key in ours:
        assert float(ours[key]) == pytest.approx(float(expected[key]), abs=1e-12), key
        assert ours[key].details == {"nearest_k": 3}


def test_prdc_chunked_equals_prdc_package_on_features():
    from prdc import compute_prdc as reference_prdc

    rng = np.random.RandomState(0)
    real = rng.randn(300, 32).astype(np.float32)
    fake = (rng.randn(250, 32) * 1.2 + 0.3).astype(np.float32)
    expected = reference_prdc(real, fake, nearest_k=5)
    for chunk in (None, 7, 1000):
        ours = prdc(torch.from_numpy(real), torch.from_numpy(fake), nearest_k=5, chunk_size=chunk)
        for key in expected:
            assert ours[key] == pytest.approx(float(expected[key]), abs=1e-12), (key, chunk)


def _random_cov(d, rank, seed):
    rng = np.random.RandomState(seed)
    a = rng.randn(d, rank)
    return a @ a.T / rank


def test_trace_sqrt_matches_scipy_sqrtm():
    for d, rank in ((64, 200), (128, 400)):
        s1, s2 = _random_cov(d, rank, 1), _random_cov(d, rank, 2)
        expected = np.trace(scipy.linalg.sqrtm(s1 @ s2)).real
        ours, imag = trace_sqrt_product(s1, s2)
        assert ours == pytest.approx(expected, rel=1e-10)
        assert imag < 1e-6
    # rank-deficient covariances (fewer samples than dimensions), as with small sample counts
    s1, s2 = _random_cov(64, 20, 3), _random_cov(64, 20, 4)
    expected = np.trace(scipy.linalg.sqrtm(s1 @ s2)).real
    assert trace_sqrt_product(s1, s2)[0] == pytest.approx(expected, rel=1e-6)


def test_low_rank_route_equals_the_dense_route():
    rng = np.random.RandomState(0)
    a, b = rng.rand(12, 64), rng.rand(30, 64) * 1.3
    stats = []
    for x in (a, b):
        acc = StreamingMoments(64)
        acc.update(torch.from_numpy(x[:5]))
        acc.update(torch.from_numpy(x[5:]))
        stats.append(acc.statistics())
        assert stats[-1].factor.shape == (len(x), 64)
        np.testing.assert_allclose(stats[-1].factor.T @ stats[-1].factor, stats[-1].sigma, atol=1e-12)
    # exact: the non-zero eigenvalues of F1^T F1 F2^T F2 are the squared singular values of F1 F2^T
    exact = np.linalg.svd(stats[0].factor @ stats[1].factor.T, compute_uv=False).sum()
    assert trace_sqrt_product(stats[0].sigma, stats[1].sigma)[0] == pytest.approx(exact, rel=1e-6)  # dense route
    assert trace_sqrt_product(stats[0].sigma, stats[1].sigma, stats[0].factor, stats[1].factor)[0] == pytest.approx(
        exact, rel=1e-12)
    for f1, f2 in ((stats[0].factor, None), (None, stats[1].factor)):  # one factor: n x n eigenvalue route
        assert trace_sqrt_product(stats[0].sigma, stats[1].sigma, f1, f2)[0] == pytest.approx(exact, rel=1e-7)
    assert fid_from_statistics(stats[0], stats[1]) == pytest.approx(
        frechet_distance(stats[0].mu, stats[0].sigma, stats[1].mu, stats[1].sigma), rel=1e-6)
    acc = StreamingMoments(4)
    acc.update(torch.rand(5, 4, dtype=torch.float64))
    assert acc.statistics().factor is None  # more samples than dimensions: rows are not kept


def test_frechet_distance_formula_and_warning():
    rng = np.random.RandomState(0)
    mu1, mu2 = rng.randn(8), rng.randn(8)
    s = _random_cov(8, 50, 0)
    assert frechet_distance(mu1, s, mu1, s) == pytest.approx(0, abs=1e-9)
    # For diagonal covariances FID has a closed form.
    d1, d2 = np.diag(rng.rand(8) + 0.5), np.diag(rng.rand(8) + 0.5)
    closed = ((mu1 - mu2) ** 2).sum() + ((np.sqrt(np.diag(d1)) - np.sqrt(np.diag(d2))) ** 2).sum()
    assert frechet_distance(mu1, d1, mu2, d2) == pytest.approx(closed, rel=1e-12)
    bad = np.diag([1.0] * 4 + [-1.0] * 4)  # not a covariance: the square root is complex
    with pytest.warns(RuntimeWarning, match="significant imaginary part"):
        frechet_distance(mu1, np.eye(8), mu2, bad)
    with pytest.raises(ValueError, match="mismatched shapes"):
        frechet_distance(mu1, s, mu2[:4], s[:4, :4])
    with pytest.raises(ValueError, match="NaN"):
        frechet_distance(mu1 * np.nan, s, mu2, s)


def test_streaming_moments_equal_numpy_cov():
    rng = np.random.RandomState(0)
    feats = (rng.rand(103, 16) * 5 + 100).astype(np.float32)  # large mean: tests the centred update
    acc = StreamingMoments(16)
    for start, stop in ((0, 1), (1, 50), (50, 51), (51, 103)):
        acc.update(torch.from_numpy(feats[start:stop]))
    stats = acc.statistics()
    assert stats.num_samples == 103
    np.testing.assert_allclose(stats.mu, feats.astype(np.float64).mean(0), rtol=1e-13)
    np.testing.assert_allclose(stats.sigma, np.cov(feats.astype(np.float64), rowvar=False), rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="NaN"):
        acc.update(torch.full((2, 16), float("nan")))
    with pytest.raises(ValueError, match=r"shape \(B, 16\)"):
        acc.update(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="at least 2 samples"):
        StreamingMoments(4).statistics()


def test_features_do_not_depend_on_the_batch_size(weights, images):
    real, _ = images
    for fast in (True, False):
        one, two, five = (extract_features(real[:5], inception_weights=weights, device="cpu", batch_size=b, fast=fast)
                          for b in (1, 2, 5))
        scale = five.abs().max()
        assert (one - five).abs().max() <= 1e-5 * scale and (two - five).abs().max() <= 1e-5 * scale


def test_cholesky_and_square_root_routes_agree():
    s1, s2 = _random_cov(48, 300, 5), _random_cov(48, 300, 6)
    expected = np.trace(scipy.linalg.sqrtm(s1 @ s2)).real
    assert trace_sqrt_product(s1, s2)[0] == pytest.approx(expected, rel=1e-10)  # Cholesky of s2
    d = np.linspace(0.5, 2.0, 48)
    d[-3:] = 0  # exactly singular: Cholesky fails, the square root of s1 is used instead
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(np.diag(d))
    root = np.diag(np.sqrt(d))
    expected = np.sqrt(np.linalg.eigvalsh(root @ s1 @ root).clip(0)).sum()
    assert trace_sqrt_product(s1, np.diag(d))[0] == pytest.approx(expected, rel=1e-8)
