"""``load_dataset``: every dataset by name, as ``(image in [-1, 1], label)`` items."""

from __future__ import annotations

from typing import Any
from torch.utils.data import Dataset

import os

import torch

from torch_gan_zoo.datasets.base import DatasetNotFoundError, ImageTensorDataset, TransformedDataset, resize_uint8
from torch_gan_zoo.datasets.idx import find_idx_files, read_idx
from torch_gan_zoo.datasets.shapes import ShapesDataset

__all__ = ["DATASETS", "load_dataset", "default_resolution"]

_SOURCES = {
    "cifar10": "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    "cifar100": "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
    "stl10": "https://cs.stanford.edu/~acoates/stl10/stl10_binary.tar.gz",
    "celeba": "https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html "
              "(torchvision layout: ROOT/celeba/img_align_celeba + list files)",
    "lsun_bedroom": "https://github.com/fyu/lsun (bedroom_train_lmdb / bedroom_val_lmdb; needs the lmdb package)",
    "imagenet": "https://image-net.org (ILSVRC2012 train/val archives + devkit, or ROOT/train/<class>/*.JPEG folders)",
    "mnist": "http://yann.lecun.com/exdb/mnist/ (the four IDX .gz files)",
    "fashion_mnist": "https://github.com/zalandoresearch/fashion-mnist "
                     "(the four IDX .gz files; Debian: apt install dataset-fashion-mnist)",
}

# name -> (default resolution, allowed resolutions or None for any, channels, classes)
DATASETS = {
    "shapes": (32, None, 3, 5),
    "cifar10": (32, None, 3, 10),
    "cifar100": (32, None, 3, 100),
    "stl10": (48, None, 3, 10),
    "celeba": (64, (64, 128), 3, 1),
    "lsun_bedroom": (128, None, 3, 1),
    "imagenet": (128, (32, 64, 128), 3, 1000),
    "mnist": (28, None, 1, 10),
    "fashion_mnist": (28, None, 1, 10),
    "imagefolder": (None, None, 3, None),
}

_SYSTEM_DIRS = {
    "mnist": ["/usr/share/datasets/mnist"],
    "fashion_mnist": ["/usr/share/datasets/fashion-mnist"],
}


def default_resolution(name: str) -> int | None:
    """The resolution ``load_dataset`` uses for ``name`` when none is given (None: must be given)."""
    return _spec(name)[0]


def _spec(name):
    key = name.lower().replace("-", "_")
    if key not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; available: {', '.join(sorted(DATASETS))}")
    return DATASETS[key]


def _not_found(name, root, looked, extra=""):
    where = "\n  ".join(looked)
    return DatasetNotFoundError(
        f"{name} not found. Looked in:\n  {where}\nGet it from {_SOURCES[name]} and put it under {root!r}, "
        f"or pass download=True (needs internet).{extra}"
    )


def load_dataset(root: str | os.PathLike[str] | None, name: str, split: str = "train", resolution: int | None = None,
                 download: bool = False, **kwargs: Any) -> Dataset:
    """Load a dataset by name.

    Args:
        root (str or None): Folder holding the data (ignored by ``shapes``; for ``imagefolder`` the
            folder of images itself).
        name (str): One of ``shapes, cifar10, cifar100, stl10, celeba, lsun_bedroom, imagenet, mnist,
            fashion_mnist, imagefolder``.
        split (str): ``'train'`` or ``'test'`` (``'val'``/``'valid'`` where the dataset has one).
            For STL-10, ``'train'`` means the 100k ``unlabeled`` images GANs train on; torchvision's
            own split names are accepted too.
        resolution (int, optional): Output size (default: the dataset's usual GAN resolution).
        download (bool): Let torchvision download missing files (needs internet).
        **kwargs: ``channels`` (1 or 3, MNIST-like data: repeat grayscale), ``num_images`` and ``seed``
            (shapes), ``center_crop`` (celeba, default 178).

    Returns:
        Dataset: items ``(image float (C, R, R) in [-1, 1], label int)``, with attributes ``name``,
        ``split``, ``resolution``, ``channels``, ``num_classes`` and a ``describe()`` method.

    Raises:
        ValueError: Unknown dataset, split or unsupported resolution.
        DatasetNotFoundError: The files are missing; the message says where it looked and how to get them.
    """
    key = name.lower().replace("-", "_")
    default_res, allowed, channels, _ = _spec(key)
    resolution = int(resolution) if resolution is not None else default_res
    if allowed is not None and resolution not in allowed:
        raise ValueError(f"{key} is supported at resolutions {allowed}, not {resolution}")
    if key == "shapes":
        return ShapesDataset(num_images=kwargs.pop("num_images", None), resolution=resolution,
                             seed=kwargs.pop("seed", 0), split=split)
    if key in ("mnist", "fashion_mnist"):
        return _load_idx_dataset(root, key, split, resolution, download, kwargs.pop("channels", channels))
    if key in ("cifar10", "cifar100"):
        return _load_cifar(root, key, split, resolution, download)
    if key == "imagefolder":
        return _load_folder(root, split, resolution, kwargs.pop("channels", channels))
    loaders = {"stl10": _load_stl10, "celeba": _load_celeba, "lsun_bedroom": _load_lsun, "imagenet": _load_imagenet}
    return loaders[key](root, split, resolution, download, **kwargs)


def _check_split(name, split, allowed):
    if split not in allowed:
        raise ValueError(f"{name} has splits {list(allowed)}, not {split!r}")


def _load_idx_dataset(root, name, split, resolution, download, channels):
    _check_split(name, split, ("train", "test"))
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels}")
    tv_name = {"mnist": "MNIST", "fashion_mnist": "FashionMNIST"}[name]
    dirs = []
    if root:
        dirs += [root, os.path.join(root, tv_name, "raw"), os.path.join(root, name),
                 os.path.join(root, name.replace("_", "-"))]
    dirs = list(dict.fromkeys(dirs + _SYSTEM_DIRS[name]))
    found = find_idx_files(dirs, split)
    if found is None and download and root:
        import torchvision.datasets as tvd

        try:
            getattr(tvd, tv_name)(root, train=split == "train", download=True)
        except Exception as exc:  # network errors of many kinds
            raise _not_found(name, root, dirs, f"\nThe download failed: {exc}") from exc
        found = find_idx_files(dirs, split)
    if found is None:
        raise _not_found(name, root, dirs)
    images = read_idx(found[0])
    labels = read_idx(found[1]).long()
    if images.dim() != 3 or images.shape[0] != labels.shape[0]:
        raise ValueError(f"{found[0]} and {found[1]} do not form an image/label pair")
    images = resize_uint8(images[:, None], resolution)
    if channels == 3:
        images = images.repeat(1, 3, 1, 1)
    return ImageTensorDataset(images, labels, name=name, split=split, num_classes=10)


def _torchvision(name, root, looked, factory):
    if not root:
        raise ValueError(f"{name} needs a root folder")
    try:
        return factory()
    except (RuntimeError, FileNotFoundError, OSError) as exc:
        raise _not_found(name, root, looked, f"\n({type(exc).__name__}: {exc})") from exc


def _load_cifar(root, name, split, resolution, download):
    import torchvision.datasets as tvd

    _check_split(name, split, ("train", "test"))
    if name == "cifar10":
        cls, folder, classes = tvd.CIFAR10, "cifar-10-batches-py", 10
    else:
        cls, folder, classes = tvd.CIFAR100, "cifar-100-python", 100
    base = _torchvision(name, root, [os.path.join(root or "", folder)],
                        lambda: cls(root, train=split == "train", download=download))
    images = torch.from_numpy(base.data).permute(0, 3, 1, 2).contiguous()
    labels = torch.as_tensor(base.targets, dtype=torch.long)
    return ImageTensorDataset(resize_uint8(images, resolution), labels, name=name, split=split, num_classes=classes)


def _load_stl10(root, split, resolution, download):
    import torchvision.datasets as tvd

    tv_split = {"train": "unlabeled"}.get(split, split)
    _check_split("stl10", tv_split, ("unlabeled", "test", "train+unlabeled", "labeled_train"))
    tv_split = {"labeled_train": "train"}.get(tv_split, tv_split)
    base = _torchvision("stl10", root, [os.path.join(root or "", "stl10_binary")],
                        lambda: tvd.STL10(root, split=tv_split, download=download))
    return TransformedDataset(base, resolution, 3, "stl10", split, 10)


def _load_celeba(root, split, resolution, download, center_crop=178):
    import torchvision.datasets as tvd

    tv_split = {"val": "valid"}.get(split, split)
    _check_split("celeba", tv_split, ("train", "valid", "test", "all"))
    base = _torchvision("celeba", root, [os.path.join(root or "", "celeba")],
                        lambda: tvd.CelebA(root, split=tv_split, target_type=[], download=download))
    return TransformedDataset(_NoLabel(base), resolution, 3, "celeba", split, 1, center_crop=center_crop)


def _load_lsun(root, split, resolution, download):
    import torchvision.datasets as tvd

    tv_split = {"train": "bedroom_train", "val": "bedroom_val", "test": "bedroom_val"}.get(split)
    if tv_split is None:
        raise ValueError(f"lsun_bedroom has splits ['train', 'val'], not {split!r}")
    looked = [os.path.join(root or "", tv_split + "_lmdb")]
    if download:
        raise _not_found("lsun_bedroom", root, looked, "\nLSUN has no automatic download in torchvision.")
    try:
        import lmdb  # noqa: F401  (torchvision's LSUN needs it)
    except ImportError as exc:
        raise ImportError("lsun_bedroom needs the lmdb package: pip install lmdb") from exc
    base = _torchvision("lsun_bedroom", root, looked, lambda: tvd.LSUN(root, classes=[tv_split]))
    return TransformedDataset(base, resolution, 3, "lsun_bedroom", split, 1)


def _load_imagenet(root, split, resolution, download):
    import torchvision.datasets as tvd

    tv_split = {"test": "val"}.get(split, split)
    _check_split("imagenet", tv_split, ("train", "val"))
    folder = os.path.join(root or "", tv_split)
    if root and os.path.isdir(folder) and not os.path.exists(os.path.join(root, "meta.bin")):
        base = tvd.ImageFolder(folder)
    else:
        base = _torchvision("imagenet", root, [os.path.join(root or "", "meta.bin"), folder],
                            lambda: tvd.ImageNet(root, split=tv_split))
    return TransformedDataset(base, resolution, 3, "imagenet", split, 1000)


class _NoLabel:
    """Gives a label-less dataset (CelebA with no targets) label 0."""

    def __init__(self, base):
        self.base = base

    def __len__(self):
        return len(self.base)

    def __getitem__(self, index):
        item = self.base[index]
        return (item[0] if isinstance(item, (tuple, list)) else item), 0


_IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".ppm", ".pgm")


class _ImageFiles:
    """Images in a folder tree; subfolders of the top folder are classes when there are several."""

    def __init__(self, root):
        self.files = []
        for dirpath, _, filenames in os.walk(root):
            self.files += [os.path.join(dirpath, f) for f in filenames if f.lower().endswith(_IMAGE_EXTENSIONS)]
        self.files.sort()
        relative = [os.path.relpath(f, root) for f in self.files]
        classes = sorted({rel.split(os.sep)[0] for rel in relative if os.sep in rel})
        self.class_to_idx = {c: i for i, c in enumerate(classes)} if len(classes) > 1 else {}

    def label(self, path, root):
        top = os.path.relpath(path, root).split(os.sep)[0]
        return self.class_to_idx.get(top, 0)


def _load_folder(root, split, resolution, channels):
    from PIL import Image

    if not root or not os.path.isdir(root):
        raise DatasetNotFoundError(f"imagefolder: {root!r} is not a folder")
    if resolution is None:
        raise ValueError("imagefolder needs a resolution, e.g. load_dataset(root, 'imagefolder', resolution=64)")
    listing = _ImageFiles(root)
    if not listing.files:
        raise DatasetNotFoundError(f"imagefolder: no image files ({', '.join(_IMAGE_EXTENSIONS)}) under {root}")

    class _Files:
        def __len__(self):
            return len(listing.files)

        def __getitem__(self, index):
            path = listing.files[index]
            with Image.open(path) as img:
                img.load()
                return img.copy(), listing.label(path, root)

    return TransformedDataset(_Files(), resolution, channels, "imagefolder", split, max(1, len(listing.class_to_idx)))
