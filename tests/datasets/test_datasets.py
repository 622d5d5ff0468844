import gzip
import os
import pickle

import numpy as np
import pytest
import torch
from PIL import Image

from torch_gan_zoo.datasets import (
    SHAPE_CLASSES,
    DatasetNotFoundError,
    ShapesDataset,
    default_resolution,
    load_dataset,
    render_shapes,
)
from torch_gan_zoo.datasets.base import ImageTensorDataset, resize_uint8
from torch_gan_zoo.datasets.idx import read_idx
from helpers.idx import fake_mnist, write_idx
from helpers.values import assert_refuses_bad_ints


def test_shapes_are_deterministic_labelled_and_in_range():
    a = ShapesDataset(num_images=40, seed=3)
    b = ShapesDataset(num_images=40, seed=3)
    assert torch.equal(a.images, b.images) and torch.equal(a.labels, b.labels)
    assert not torch.equal(a.images, ShapesDataset(num_images=40, seed=4).images)
    assert not torch.equal(a.images, ShapesDataset(num_images=40, seed=3, split="test").images)
    image, label = a[0]
    assert image.shape == (3, 32, 32) and image.dtype == torch.float32
    assert -1 <= image.min() and image.max() <= 1 and 0 <= label < len(SHAPE_CLASSES)
    assert set(ShapesDataset(num_images=200).labels.tolist()) == set(range(5))
    assert a.describe() == {"name": "shapes", "split": "train", "resolution": 32, "channels": 3, "num_classes": 5,
                            "seed": 3, "num_images": 40}


def test_shapes_classes_look_different():
    images, labels = render_shapes(500, resolution=32, seed=0)
    coverage = {}
    for c in range(5):
        # foreground pixels are brighter than the dark background
        bright = (images[labels == c].float().max(1).values > 150).float().mean((1, 2))
        coverage[c] = bright.mean().item()
    # a ring covers less than a filled circle of the same radius; a cross less than a square
    assert coverage[4] < coverage[0] and coverage[3] < coverage[1]


def test_shapes_rejects_bad_arguments():
    with pytest.raises(ValueError, match="splits"):
        render_shapes(2, split="valid")
    with pytest.raises(ValueError, match="resolution"):
        render_shapes(2, resolution=4)
    assert_refuses_bad_ints(lambda v: ShapesDataset(num_images=v), "num_images")
    assert len(load_dataset(None, "shapes", split="test", resolution=16, num_images=8)) == 8
    assert len(ShapesDataset(split="test", num_images=None, resolution=8)) == 2000


def test_mnist_from_a_folder_of_idx_files(tmp_path):
    fake_mnist(str(tmp_path / "FashionMNIST" / "raw"))
    ds = load_dataset(str(tmp_path), "fashion_mnist")
    assert len(ds) == 6 and ds[0][0].shape == (1, 28, 28)
    raw = read_idx(str(tmp_path / "FashionMNIST" / "raw" / "train-images-idx3-ubyte.gz"))
    assert torch.equal(ds.images[:, 0], raw)
    rgb32 = load_dataset(str(tmp_path), "fashion-mnist", split="test", resolution=32, channels=3)
    assert rgb32[0][0].shape == (3, 32, 32) and rgb32.describe()["channels"] == 3
    fake_mnist(str(tmp_path / "plain"), gz=False)
    assert len(load_dataset(str(tmp_path / "plain"), "mnist")) == 6
    with pytest.raises(ValueError, match="channels"):
        load_dataset(str(tmp_path), "fashion_mnist", channels=2)


def test_idx_reader_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad-idx"
    bad.write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(str(bad))
    good = tmp_path / "x.gz"
    write_idx(str(good), np.zeros((4, 2, 2), dtype=np.uint8))
    data = gzip.open(good).read()
    with gzip.open(tmp_path / "trunc.gz", "wb") as f:
        f.write(data[:-3])
    with pytest.raises(ValueError, match="truncated"):
        read_idx(str(tmp_path / "trunc.gz"))


def test_missing_datasets_say_where_they_looked(tmp_path):
    with pytest.raises(DatasetNotFoundError) as err:
        load_dataset(str(tmp_path), "mnist")
    assert str(tmp_path) in str(err.value) and "MNIST/raw" in str(err.value) and "download=True" in str(err.value)
    with pytest.raises(DatasetNotFoundError, match="cifar-10-batches-py"):
        load_dataset(str(tmp_path), "cifar10")
    with pytest.raises(DatasetNotFoundError, match="stl10_binary"):
        load_dataset(str(tmp_path), "stl10")
    with pytest.raises(DatasetNotFoundError, match="celeba"):
        load_dataset(str(tmp_path), "celeba")
    with pytest.raises(DatasetNotFoundError, match="meta.bin"):
        load_dataset(str(tmp_path), "imagenet", resolution=32)
    with pytest.raises(DatasetNotFoundError, match="no automatic download"):
        load_dataset(str(tmp_path), "lsun_bedroom", download=True)


def test_download_failure_is_reported(tmp_path, monkeypatch):
    import torchvision.datasets as tvd

    def offline(*args, **kwargs):
        raise RuntimeError("network is unreachable")

    monkeypatch.setattr(tvd, "MNIST", offline)
    with pytest.raises(DatasetNotFoundError, match="download failed: network is unreachable"):
        load_dataset(str(tmp_path), "mnist", download=True)


def test_unknown_names_splits_and_resolutions():
    with pytest.raises(ValueError, match="unknown dataset 'svhn'; available: celeba, cifar10"):
        load_dataset(None, "svhn")
    with pytest.raises(ValueError, match="splits"):
        load_dataset("/tmp", "cifar10", split="val")
    with pytest.raises(ValueError, match=r"resolutions \(64, 128\)"):
        load_dataset("/tmp", "celeba", resolution=32)
    with pytest.raises(ValueError, match="lsun_bedroom has splits"):
        load_dataset("/tmp", "lsun_bedroom", split="test2")
    with pytest.raises(ValueError, match="needs a root"):
        load_dataset(None, "cifar10")
    assert default_resolution("stl10") == 48 and default_resolution("imagefolder") is None


def test_cifar10_through_torchvision(tmp_path, monkeypatch):
    import torchvision.datasets as tvd

    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {"data": rng.integers(0, 256, (2, 3072), dtype=np.uint8), "labels": [1, 7]}
        with open(folder / name, "wb") as f:
            pickle.dump(batch, f)
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({"label_names": [str(i) for i in range(10)]}, f)
    monkeypatch.setattr(tvd.CIFAR10, "_check_integrity", lambda self: True)
    monkeypatch.setattr("torchvision.datasets.cifar.check_integrity", lambda path, md5=None: os.path.exists(path))
    ds = load_dataset(str(tmp_path), "cifar10")
    assert len(ds) == 10 and ds.num_classes == 10 and ds[1][1] == 7
    small = load_dataset(str(tmp_path), "cifar10", split="test", resolution=16)
    assert small[0][0].shape == (3, 16, 16)


def test_image_folder_with_classes(tmp_path):
    for cls, color in (("cats", (255, 0, 0)), ("dogs", (0, 0, 255))):
        (tmp_path / cls).mkdir()
        for i in range(2):
            Image.new("RGB", (40, 30), color).save(tmp_path / cls / f"{i}.png")
    ds = load_dataset(str(tmp_path), "imagefolder", resolution=16)
    assert len(ds) == 4 and ds.num_classes == 2
    image, label = ds[3]
    assert image.shape == (3, 16, 16) and label == 1 and image[2].mean() > 0.9 and image[0].mean() < -0.9
    gray = load_dataset(str(tmp_path), "imagefolder", resolution=8, channels=1)
    assert gray[0][0].shape == (1, 8, 8)
    with pytest.raises(ValueError, match="needs a resolution"):
        load_dataset(str(tmp_path), "imagefolder")
    with pytest.raises(DatasetNotFoundError, match="not a folder"):
        load_dataset(str(tmp_path / "nope"), "imagefolder", resolution=8)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetNotFoundError, match="no image files"):
        load_dataset(str(tmp_path / "empty"), "imagefolder", resolution=8)


def test_imagenet_from_class_folders(tmp_path):
    (tmp_path / "train" / "n01").mkdir(parents=True)
    Image.new("RGB", (50, 40), (10, 200, 10)).save(tmp_path / "train" / "n01" / "a.JPEG")
    ds = load_dataset(str(tmp_path), "imagenet", resolution=32)
    assert ds[0][0].shape == (3, 32, 32) and ds.num_classes == 1000


def test_image_tensor_dataset_validation_and_resize():
    with pytest.raises(ValueError, match="uint8"):
        ImageTensorDataset(torch.zeros(2, 3, 4, 4), torch.zeros(2), "x", "train")
    with pytest.raises(ValueError, match="one label per image"):
        ImageTensorDataset(torch.zeros(2, 3, 4, 4, dtype=torch.uint8), torch.zeros(3), "x", "train")
    images = torch.full((2, 1, 28, 28), 200, dtype=torch.uint8)
    resized = resize_uint8(images, 32)
    assert resized.shape == (2, 1, 32, 32) and resized.dtype == torch.uint8 and (resized == 200).all()
    assert resize_uint8(images, 28) is images
