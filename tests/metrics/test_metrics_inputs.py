"""Every input kind, sampling from generators (mode, RNG, seed, counts), and the bad-input errors.

Most tests use a cheap TorchScript stand-in for Inception (the input plumbing is what is tested);
the network itself is tested in test_metrics_inception.py and test_metrics_agreement.py.
"""
import json
import os

import numpy as np
import pytest
import torch
import torchvision

from helpers.metrics import (
    LabelledImages,
    ToyConditionalGenerator,
    ToyGenerator,
    smooth_images,
)
from torch_gan_zoo.metrics import (
    FIDStatistics,
    compute_fid,
    compute_is,
    compute_kid,
    compute_metrics,
    compute_statistics,
    extract_features,
    quantize_to_uint8,
)
from torch_gan_zoo.metrics.inputs import DEFAULT_NUM_GENERATED, make_source
from helpers.values import assert_refuses_bad_ints


pytestmark = pytest.mark.usefixtures("fresh_home")


class _Items(torch.utils.data.Dataset):
    """(image, label) items that count how often each index is read."""

    def __init__(self, images):
        self.images = images
        self.reads = [0] * len(images)

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        self.reads[i] += 1
        return self.images[i], 0


def test_every_input_kind_gives_the_same_features(tiny, tmp_path):
    images = smooth_images(7, 0, size=16)
    u8 = quantize_to_uint8(images)
    for i in range(len(images)):
        torchvision.utils.save_image(images[i], str(tmp_path / f"{i}.png"), normalize=True, value_range=(-1, 1))
    (tmp_path / "notes.txt").write_text("not an image")
    expected = extract_features(images, inception_weights=tiny, device="cpu", batch_size=3)
    assert expected.shape == (7, 2048) and expected.dtype == torch.float32
    inputs = {
        "uint8 tensor": u8,
        "numpy uint8": u8.numpy(),
        "Dataset": _Items(images),
        "Dataset of uint8 tensors": _Items(u8),
        "DataLoader": torch.utils.data.DataLoader(_Items(images), batch_size=2),
        "DataLoader of bare images": torch.utils.data.DataLoader(images, batch_size=5),
        "folder": str(tmp_path),
        "PIL dataset": _Items([torchvision.transforms.functional.to_pil_image(x) for x in u8]),
    }
    for name, obj in inputs.items():
        feats = extract_features(obj, inception_weights=tiny, device="cpu", batch_size=3)
        assert torch.equal(feats, expected), name


def test_grayscale_inputs_are_repeated(tiny):
    gray = smooth_images(5, 0, size=16, channels=1)
    a = extract_features(gray, inception_weights=tiny, device="cpu")
    b = extract_features(gray.repeat(1, 3, 1, 1), inception_weights=tiny, device="cpu")
    assert torch.equal(a, b)


def test_quantisation_can_be_disabled(tiny):
    images = smooth_images(5, 0, size=16)
    quantised = extract_features(images, inception_weights=tiny, device="cpu")
    raw = extract_features(images, inception_weights=tiny, device="cpu", quantize=False)
    assert not torch.equal(quantised, raw)
    assert torch.allclose(quantised, raw, atol=0.05)


def test_every_sample_counts_exactly_once(tiny):
    data = _Items(smooth_images(11, 0, size=16))
    feats = extract_features(data, inception_weights=tiny, device="cpu", batch_size=4)
    assert feats.shape[0] == 11 and data.reads == [1] * 11
    g = ToyGenerator()
    sizes = []
    original = g.generate_images
    g.generate_images = lambda n, device=None: sizes.append(n) or original(n, device=device)
    score = compute_kid(data, g, num_fake_samples=11, subset_size=4, subsets=2, inception_weights=tiny,
                        device="cpu", batch_size=4)
    assert sizes == [4, 4, 3] and score.num_fake == 11 and score.num_real == 11
    loader = torch.utils.data.DataLoader(_Items(smooth_images(11, 1, size=16)), batch_size=4)
    assert compute_kid(data, loader, num_fake_samples=10, subset_size=4, subsets=2, inception_weights=tiny,
                       device="cpu").num_fake == 10
    with pytest.raises(ValueError, match="expected 20 images, got 11"):
        extract_features(loader, num_samples=20, inception_weights=tiny, device="cpu")


def test_subsets_of_finite_inputs_are_seeded(tiny):
    images = smooth_images(20, 0, size=16)
    a = extract_features(images, num_samples=8, seed=1, inception_weights=tiny, device="cpu")
    b = extract_features(images, num_samples=8, seed=1, inception_weights=tiny, device="cpu")
    c = extract_features(images, num_samples=8, seed=2, inception_weights=tiny, device="cpu")
    assert a.shape == (8, 2048) and torch.equal(a, b) and not torch.equal(a, c)
    with pytest.raises(ValueError, match="has only 20 images, but 30 were requested"):
        extract_features(images, num_samples=30, inception_weights=tiny, device="cpu")


def test_generator_mode_is_saved_and_restored(tiny):
    g = ToyGenerator()
    g.train()
    g.bn.eval()  # a mixed state must come back exactly as it was
    extract_features(g, num_samples=6, inception_weights=tiny, device="cpu")
    assert g.modes_seen and not any(g.modes_seen)  # sampled in eval mode
    assert g.training and g.fc.training and not g.bn.training and g.drop.training


def test_sampling_leaves_the_global_rng_alone_and_is_seeded(tiny):
    real = smooth_images(8, 0, size=16)
    g = ToyGenerator()
    torch.manual_seed(123)
    state = torch.get_rng_state()
    first = extract_features(g, num_samples=8, seed=5, inception_weights=tiny, device="cpu")
    assert torch.equal(torch.get_rng_state(), state)
    again = extract_features(g, num_samples=8, seed=5, inception_weights=tiny, device="cpu")
    other = extract_features(g, num_samples=8, seed=6, inception_weights=tiny, device="cpu")
    assert torch.equal(first, again) and not torch.equal(first, other)
    kid = dict(subset_size=4, subsets=3, num_samples=8, inception_weights=tiny, device="cpu")
    assert compute_kid(real, g, seed=5, **kid).seed == 5
    drawn = compute_kid(real, g, seed=None, **kid)
    assert isinstance(drawn.seed, int)
    assert float(compute_kid(real, g, seed=drawn.seed, **kid)) == float(drawn)


def test_plain_callables_need_nz_and_do_not_depend_on_batch_size(tiny):
    g = ToyGenerator().eval()
    real = smooth_images(9, 0, size=16)
    fn = lambda z: g(z)  # noqa: E731 - a plain callable without an nz attribute
    a = extract_features(fn, nz=8, num_samples=9, batch_size=2, inception_weights=tiny, device="cpu")
    b = extract_features(fn, nz=8, num_samples=9, batch_size=9, inception_weights=tiny, device="cpu")
    assert torch.allclose(a, b, rtol=1e-6, atol=1e-6)

    class WithNz(torch.nn.Module):
        nz = 8

        def forward(self, z):
            return g(z)

    assert compute_kid(real, WithNz(), num_samples=9, subset_size=4, subsets=1, inception_weights=tiny,
                       device="cpu").num_fake == 9
    with pytest.raises(ValueError, match="pass nz="):
        compute_fid(real, fn, num_samples=9, inception_weights=tiny, device="cpu")


def test_generators_default_to_50k_samples():
    assert DEFAULT_NUM_GENERATED == 50_000
    assert make_source(ToyGenerator()).num_samples == 50_000


def test_dataset_names_go_through_load_dataset(tiny):
    from torch_gan_zoo.datasets import load_dataset

    fake = smooth_images(12, 5, size=16)
    score = compute_kid("shapes", fake, dataset_kwargs={"num_images": 12}, num_real_samples=10, subset_size=4,
                        subsets=2, inception_weights=tiny, device="cpu")
    assert score.num_real == 10 and "shapes" in score.real_source and "split=train" in score.real_source
    # the float [-1, 1] items quantise back to the dataset's own uint8 pixels exactly
    data = load_dataset(None, "shapes", num_images=12)
    assert torch.equal(extract_features("shapes", dataset_kwargs={"num_images": 12}, inception_weights=tiny,
                                        device="cpu"),
                       extract_features(data.images, inception_weights=tiny, device="cpu"))
    test_split = extract_features("shapes", split="test", dataset_kwargs={"num_images": 12}, inception_weights=tiny,
                                  device="cpu")
    assert not torch.equal(test_split, extract_features(data.images, inception_weights=tiny, device="cpu"))
    with pytest.raises(ValueError, match="neither an existing folder, a statistics file"):
        compute_fid("no_such_dataset", fake, inception_weights=tiny, device="cpu")


def test_mimicry_keyword_form(tiny, tmp_path):
    g = ToyGenerator()
    score = compute_fid(num_real_samples=10, num_fake_samples=9, netG=g, dataset="shapes", device="cpu",
                        log_dir=str(tmp_path / "log"), dataset_kwargs={"num_images": 12}, inception_weights=tiny)
    assert score.num_real == 10 and score.num_fake == 9
    assert os.path.isfile(tmp_path / "log" / "metrics" / "fid.json")
    with pytest.raises(ValueError, match="either as real= or as dataset="):
        compute_fid(smooth_images(4, 0), dataset="shapes", netG=g, inception_weights=tiny)
    with pytest.raises(ValueError, match="either as fake= or as netG="):
        compute_fid(smooth_images(4, 0), g, netG=g, inception_weights=tiny)
    with pytest.raises(TypeError, match="sample counts are keywords"):
        compute_fid(10000, 10000, inception_weights=tiny)


def test_statistics_files(tiny, tmp_path):
    real, fake = smooth_images(9, 0, size=16), smooth_images(9, 1, size=16)
    stats = compute_statistics(real, path=str(tmp_path / "real.npz"), inception_weights=tiny, device="cpu")
    assert stats.num_samples == 9 and stats.mu.shape == (2048,) and stats.meta["protocol"] == "tf1"
    direct = compute_fid(real, fake, inception_weights=tiny, device="cpu")
    from_file = compute_fid(str(tmp_path / "real.npz"), fake, inception_weights=tiny, device="cpu")
    assert float(from_file) == pytest.approx(float(direct), rel=1e-12) and from_file.num_real == 9
    # pytorch-fid's format: just mu and sigma
    np.savez(tmp_path / "pf.npz", mu=stats.mu, sigma=stats.sigma)
    # (no low-rank factor in that format: the full-rank route, equal to rounding)
    assert float(compute_fid(str(tmp_path / "pf.npz"), fake, inception_weights=tiny,
                             device="cpu")) == pytest.approx(float(direct), rel=1e-8)
    loaded = FIDStatistics.load(tmp_path / "real.npz")
    assert loaded.num_samples == 9 and loaded.meta["weights_sha256"] == stats.meta["weights_sha256"]
    with pytest.raises(ValueError, match="holds only FID statistics"):
        compute_kid(str(tmp_path / "real.npz"), fake, subset_size=4, inception_weights=tiny, device="cpu")
    np.savez(tmp_path / "bad.npz", mean=stats.mu)
    with pytest.raises(ValueError, match="not 'mu' and 'sigma'"):
        compute_fid(str(tmp_path / "bad.npz"), fake, inception_weights=tiny, device="cpu")
    np.savez(tmp_path / "nan.npz", mu=stats.mu * np.nan, sigma=stats.sigma)
    with pytest.raises(ValueError, match="NaN"):
        compute_fid(str(tmp_path / "nan.npz"), fake, inception_weights=tiny, device="cpu")


def test_conditional_generators_class_and_intra_class_fid(inception, tmp_path):
    g = ToyConditionalGenerator(num_classes=3)
    real = LabelledImages(per_class=4, num_classes=3)
    one = compute_fid(real, g, class_label=1, num_fake_samples=4, inception_weights=inception, device="cpu")
    assert all(torch.equal(c, torch.ones_like(c)) for c in g.calls)
    assert one.num_real == 4 and one.details["class_label"] == 1  # the real side was restricted to class 1
    g.calls.clear()
    intra = compute_fid(real, g, per_class=True, inception_weights=inception, device="cpu", batch_size=12,
                        log_dir=str(tmp_path))
    per = intra.details["per_class"]
    assert sorted(per) == [0, 1, 2] and float(per[1]) == pytest.approx(float(one), rel=1e-6)
    assert float(intra) == pytest.approx(sum(map(float, per.values())) / 3, rel=1e-12)
    assert intra.num_real == 12 and intra.num_fake == 12
    assert [int(c[0]) for c in g.calls] == [0, 1, 2]
    (record,) = json.loads((tmp_path / "metrics" / "fid.json").read_text())
    assert record["details"]["per_class"] == {str(k): float(v) for k, v in per.items()}
    with pytest.raises(ValueError, match="not a conditional generator"):
        compute_fid(real, ToyGenerator(), class_label=1, num_samples=4, inception_weights=inception)
    with pytest.raises(ValueError, match="needs a conditional generator"):
        compute_fid(real, ToyGenerator(), per_class=True, inception_weights=inception)
    with pytest.raises(ValueError, match="needs labelled real images"):
        compute_fid(smooth_images(4, 0), g, per_class=True, inception_weights=inception)
    with pytest.raises(ValueError, match="FID only"):
        compute_metrics(real, g, metrics=["fid", "kid"], per_class=True, inception_weights=inception)
    with pytest.raises(ValueError, match=r"class_label must be an int in \[0, 3\)"):
        compute_fid(real, g, class_label=3, num_samples=4, inception_weights=inception)


class _BadGenerator(torch.nn.Module):
    def __init__(self, out):
        super().__init__()
        self.out = out

    def generate_images(self, num_images, device=None):
        return self.out(num_images)


@pytest.mark.parametrize(
    "images, message",
    [
        (torch.zeros(4, 4, 8, 8), "1 \\(grayscale\\) or 3 \\(RGB\\) channels, got 4"),
        (torch.zeros(4, 8, 8, 3), "channels-last"),
        (torch.zeros(4, 8, 8), "shape \\(N, C, H, W\\)"),
        (torch.full((4, 3, 8, 8), 1.5), "must be in \\[-1, 1\\], got values in \\[1.5, 1.5\\]"),
        (torch.full((4, 3, 8, 8), 200.0), "pass them as uint8"),
        (torch.full((4, 3, 8, 8), float("nan")), "NaN or infinite"),
        (torch.zeros(4, 3, 8, 8, dtype=torch.int64), "uint8 \\(0..255\\) or float"),
        (torch.zeros(1, 3, 8, 8), "at least 2 images"),
    ],
)
def test_bad_images_are_named(tiny, images, message):
    with pytest.raises(ValueError, match=message):
        compute_fid(images, smooth_images(4, 0), inception_weights=tiny, device="cpu")


def test_bad_generators_and_arguments_are_named(tiny, tmp_path):
    real = smooth_images(4, 0, size=16)
    wrong_count = _BadGenerator(lambda n: torch.zeros(n + 1, 3, 8, 8))
    with pytest.raises(ValueError, match=r"returned \(5, 3, 8, 8\) for a request of 4 images"):
        compute_fid(real, wrong_count, num_samples=4, inception_weights=tiny, device="cpu")
    flat = _BadGenerator(lambda n: torch.zeros(n, 192))
    with pytest.raises(ValueError, match=r"returned \(4, 192\)"):
        compute_fid(real, flat, num_samples=4, inception_weights=tiny, device="cpu")
    unbounded = _BadGenerator(lambda n: torch.full((n, 3, 8, 8), 3.0))
    with pytest.raises(ValueError, match=r"generator _BadGenerator: float images must be in \[-1, 1\]"):
        compute_fid(real, unbounded, num_samples=4, inception_weights=tiny, device="cpu")
    with pytest.raises(ValueError, match="number of samples must be an int >= 2"):
        compute_fid(real, ToyGenerator(), num_samples=1, inception_weights=tiny)
    with pytest.raises(TypeError, match="unsupported fake input of type object"):
        compute_fid(real, object(), inception_weights=tiny, device="cpu")
    (tmp_path / "x.txt").write_text("x")
    with pytest.raises(ValueError, match="not a statistics file"):
        compute_fid(str(tmp_path / "x.txt"), real, inception_weights=tiny, device="cpu")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no image files"):
        compute_fid(str(tmp_path / "empty"), real, inception_weights=tiny, device="cpu")
    assert_refuses_bad_ints(lambda v: compute_fid(real, real, batch_size=v, inception_weights=tiny, device="cpu"),
                            "batch_size")
    assert_refuses_bad_ints(lambda v: compute_fid(real, real, seed=v, inception_weights=tiny), "seed", positive=False,
                            or_none=True)
    with pytest.raises(TypeError, match="unexpected keyword arguments \\['num_sample'\\]"):
        compute_fid(real, real, num_sample=4)
    with pytest.raises(ValueError, match="KID subset_size=100 is larger than the number of samples"):
        compute_kid(real, real, subset_size=100, inception_weights=tiny, device="cpu")
    with pytest.raises(ValueError, match="images differ in size: image 0 is 8x8"):
        compute_fid(real, [torch.zeros(3, 8, 8), torch.zeros(3, 9, 9)], inception_weights=tiny, device="cpu")


def test_nan_features_are_reported(tmp_path):
    class NaNNet(torch.nn.Module):
        def forward(self, x):
            return torch.full((x.shape[0], 2048), float("nan"))

    path = str(tmp_path / "nan.pt")
    torch.jit.save(torch.jit.script(NaNNet()), path)
    with pytest.raises(ValueError, match="Inception features contain NaN"):
        compute_fid(smooth_images(4, 0), smooth_images(4, 1), inception_weights=path, device="cpu")


def test_is_on_a_generator(inception):
    g = ToyGenerator()
    score = compute_is(g, num_samples=6, splits=2, inception_weights=inception, device="cpu")
    assert score.metric == "is" and score.num_fake == 6 and score.num_real is None and score >= 1
    assert score.std is not None and score.details["splits"] == 2
    assert float(compute_is(netG=g, num_samples=6, splits=2, inception_weights=inception, device="cpu")) == float(score)
    with pytest.raises(ValueError, match="splits must be an int"):
        compute_is(g, num_samples=6, splits=7, inception_weights=inception, device="cpu")


class _Seq(torch.utils.data.Dataset):
    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class _Stream(torch.utils.data.IterableDataset):
    def __init__(self, images):
        self.images = images

    def __iter__(self):
        return iter(self.images)


def test_more_item_forms(tiny, tmp_path):
    images = smooth_images(5, 0, size=16)
    expected = extract_features(images, inception_weights=tiny, device="cpu", batch_size=2)
    forms = {
        "dict items": _Seq([{"image": x, "label": 0} for x in images]),
        "numpy items": _Seq([x.numpy() for x in images]),
        "iterable dataset": _Stream(list(images)),
        "DataLoader of dicts": torch.utils.data.DataLoader(_Seq([{"image": x} for x in images]), batch_size=2),
        "list": list(images),
    }
    for name, obj in forms.items():
        assert torch.equal(extract_features(obj, inception_weights=tiny, device="cpu", batch_size=2), expected), name
    from PIL import Image

    gray = quantize_to_uint8(smooth_images(3, 0, size=16, channels=1))
    for i in range(3):
        Image.fromarray(gray[i, 0].numpy(), mode="L").save(tmp_path / f"{i}.png")
    from_folder = extract_features(str(tmp_path), inception_weights=tiny, device="cpu")
    assert torch.equal(from_folder, extract_features(gray, inception_weights=tiny, device="cpu"))


@pytest.mark.parametrize(
    "items, error, message",
    [
        ([(), ()], ValueError, "empty item"),
        ([{"x": torch.zeros(3, 4, 4)}] * 2, ValueError, "need an 'image' key"),
        (["a", "b"], TypeError, "items must be images"),
        ([torch.zeros(4, 4)] * 2, ValueError, "each image must have shape \\(C, H, W\\)"),
    ],
)
def test_bad_dataset_items_are_named(tiny, items, error, message):
    with pytest.raises(error, match=message):
        extract_features(_Seq(items), inception_weights=tiny, device="cpu")


def test_check_image_batch_and_source_details():
    from torch_gan_zoo.metrics.inputs import check_image_batch, labels_of

    with pytest.raises(TypeError, match="expected a tensor of images, got list"):
        check_image_batch([1], "x")
    with pytest.raises(ValueError, match="got shape \\(3, 4, 4\\)"):
        check_image_batch(torch.zeros(3, 4, 4), "x")
    out = check_image_batch(torch.zeros(1, 3, 2, 2, dtype=torch.uint8), "x", quantize=False)
    assert out.dtype == torch.float32
    assert torch.equal(check_image_batch(torch.full((1, 1, 2, 2), 1.0005), "x"),
                       torch.full((1, 1, 2, 2), 255, dtype=torch.uint8))  # tolerated overshoot is clamped
    source = make_source(smooth_images(3, 0), seed=0)
    assert "image tensor of shape (3, 3, 32, 32)" in repr(source) and source.num_samples == 3
    with pytest.raises(ValueError, match="no fake input"):
        make_source(None, role="fake")
    scanned = labels_of(_Seq([(torch.zeros(3, 2, 2), k) for k in (2, 0, 1)]))
    assert scanned.tolist() == [2, 0, 1]
    with pytest.raises(ValueError, match="is not labelled"):
        labels_of(_Seq([torch.zeros(3, 2, 2)] * 2))


def test_generators_without_parameters_and_class_filters(tiny):
    class Buffered(torch.nn.Module):
        nz = 4

        def __init__(self):
            super().__init__()
            self.register_buffer("scale", torch.tensor(0.5))

        def forward(self, z):
            return (z.mean(1).view(-1, 1, 1, 1) * self.scale).tanh().expand(-1, 3, 8, 8)

    feats = extract_features(Buffered(), num_samples=4, inception_weights=tiny, device="cpu")
    assert feats.shape == (4, 2048)
    from torch_gan_zoo.datasets import load_dataset

    labels = load_dataset(None, "shapes", num_images=20).labels
    k = int(labels.bincount().argmax())
    fake = smooth_images(6, 5, size=16)
    score = compute_kid("shapes", fake, class_label=k, subset_size=2, subsets=2, inception_weights=tiny,
                        dataset_kwargs={"num_images": 20}, device="cpu")
    assert score.num_real == int((labels == k).sum()) and score.details["class_label"] == k
    rare = int(load_dataset(None, "shapes", num_images=3).labels.bincount(minlength=5).argmin())
    with pytest.raises(ValueError, match=f"fewer than 2 images of class {rare}"):
        compute_kid("shapes", fake, class_label=rare, subset_size=3, inception_weights=tiny,
                    dataset_kwargs={"num_images": 3}, device="cpu")


def test_the_librarys_own_generators(tiny, tiny_pair):
    """An end-to-end check with a registered model (the metrics themselves never import nets)."""
    netG, _ = tiny_pair("dcgan", 32)
    netG.train()
    torch.manual_seed(0)
    state = torch.get_rng_state()
    a = extract_features(netG, num_samples=5, batch_size=2, seed=3, inception_weights=tiny, device="cpu")
    b = extract_features(netG, num_samples=5, batch_size=2, seed=3, inception_weights=tiny, device="cpu")
    assert a.shape == (5, 2048) and torch.equal(a, b)
    assert netG.training and torch.equal(torch.get_rng_state(), state)
    score = compute_kid(smooth_images(6, 0), netG, num_fake_samples=6, subset_size=3, subsets=2,
                        inception_weights=tiny, device="cpu")
    assert score.num_fake == 6 and "DCGAN" in score.fake_source


def test_streams_are_regrouped_into_full_batches(tiny, monkeypatch):
    from torch_gan_zoo.metrics import features

    sizes = []
    original = features.to_inception_input
    monkeypatch.setattr(features, "to_inception_input", lambda x, p: sizes.append(x.shape[0]) or original(x, p))
    monkeypatch.setattr(features, "_auto_workers", lambda handle, workers: 1)  # whole batches, not worker slices
    images = smooth_images(11, 0, size=16)
    extract_features(_Stream(list(images)), inception_weights=tiny, device="cpu", batch_size=4)
    assert sizes == [4, 4, 3]  # single images from an IterableDataset are batched
    sizes.clear()
    extract_features(torch.utils.data.DataLoader(images, batch_size=3), inception_weights=tiny, device="cpu",
                     batch_size=5)
    assert sizes == [5, 5, 1]
    mixed = _Stream([torch.zeros(3, 8, 8), torch.zeros(3, 9, 9)])
    with pytest.raises(ValueError, match="images differ in size: image 0 is 8x8 with 3 channels, image 1 is 9x9"):
        extract_features(mixed, inception_weights=tiny, device="cpu", batch_size=4)
