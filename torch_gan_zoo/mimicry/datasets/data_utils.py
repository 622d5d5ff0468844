"""``torch_mimicry.datasets.data_utils``: Mimicry's dataset names (``cifar10``, ``cifar100``,
``imagenet_32``, ``imagenet_128``, ``stl10_48``, ``celeba_64``, ``celeba_128``, ``lsun_bedroom_128``,
``fake_data``) and ``root/<name>/`` folders, loaded by :func:`torch_gan_zoo.datasets.load_dataset`.

Every dataset yields ``(image, label)`` with images float (3, H, W) in [-1, 1]. Downloads follow this
library's rules (``download=True`` only where a dataset can be downloaded; the offline switch holds).
"""
import os

from torch_gan_zoo.datasets import load_dataset as _load_dataset

__all__ = ["load_dataset", "load_fake_dataset", "load_lsun_bedroom_dataset", "load_celeba_dataset",
           "load_stl10_dataset", "load_imagenet_dataset", "load_cifar100_dataset", "load_cifar10_dataset"]

#: Mimicry's names -> (loader name, its keyword arguments).
NAMES = {"cifar10": ("cifar10", {}), "cifar100": ("cifar100", {}), "imagenet_32": ("imagenet", {"size": 32}),
         "imagenet_128": ("imagenet", {"size": 128}), "stl10_48": ("stl10", {"size": 48}),
         "celeba_64": ("celeba", {"size": 64}), "celeba_128": ("celeba", {"size": 128}),
         "lsun_bedroom_128": ("lsun_bedroom", {"size": 128}), "fake_data": ("fake", {})}


def load_dataset(root, name, **kwargs):
    """Load Mimicry's dataset ``name`` from ``root`` (see :data:`NAMES`).

    Raises:
        ValueError: Unknown name (the known ones are listed).
    """
    if name not in NAMES:
        raise ValueError(f"Invalid dataset name {name} selected; Mimicry's names are {sorted(NAMES)}")
    loader, extra = NAMES[name]
    return globals()[f"load_{loader}_dataset"](root, **extra, **kwargs)


def _native(root, name, split, size, download, transform_data=True, convert_tensor=True):
    if not (transform_data and convert_tensor):
        raise ValueError("this library's datasets always yield tensors in [-1, 1] "
                         "(transform_data=False / convert_tensor=False are not supported)")
    folder = os.path.join(os.fspath(root), name)
    return _load_dataset(folder if os.path.isdir(folder) else root, name, split=split, resolution=size,
                         download=download)


def load_fake_dataset(root, transform_data=True, convert_tensor=True, image_size=(3, 32, 32), **kwargs):
    """Random images (torchvision ``FakeData``, ``size`` images, default 1000) scaled to [-1, 1]:
    ``(float (C, H, W), long label)`` items. ``root`` is not read."""
    import torchvision
    import torchvision.transforms as T

    transform = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))]) if transform_data and convert_tensor else None
    return torchvision.datasets.FakeData(transform=transform, image_size=image_size, **kwargs)


def load_lsun_bedroom_dataset(root, size=128, transform_data=True, convert_tensor=True, **kwargs):
    """LSUN bedroom at ``size`` px from ``root/lsun`` (or ``root``)."""
    return _native(os.path.join(os.fspath(root), "lsun") if os.path.isdir(os.path.join(os.fspath(root), "lsun"))
                   else root, "lsun_bedroom", "train", size, False, transform_data, convert_tensor)


def load_celeba_dataset(root, transform_data=True, convert_tensor=True, download=True, split="all", size=64,
                        **kwargs):
    """CelebA at ``size`` px (center crop 178, resize), ``split`` ``'train'``/``'valid'``/``'test'``/``'all'``."""
    return _native(root, "celeba", split, size, download, transform_data, convert_tensor)


def load_stl10_dataset(root, size=48, split="unlabeled", download=True, transform_data=True, convert_tensor=True,
                       **kwargs):
    """STL-10 at ``size`` px, ``split`` as torchvision's (``'unlabeled'`` by default, as Mimicry)."""
    return _native(root, "stl10", split, size, download, transform_data, convert_tensor)


def load_imagenet_dataset(root, size=32, split="train", download=True, transform_data=True, convert_tensor=True,
                          **kwargs):
    """ImageNet (ILSVRC2012) at ``size`` px from ``root/imagenet`` (never downloaded: it needs an account)."""
    return _native(root, "imagenet", split, size, False, transform_data, convert_tensor)


def load_cifar100_dataset(root, split="train", download=True, transform_data=True, convert_tensor=True, **kwargs):
    """CIFAR-100 (32 px), ``split`` ``'train'`` or ``'test'``."""
    return _native(root, "cifar100", split, None, download, transform_data, convert_tensor)


def load_cifar10_dataset(root, split="train", download=True, transform_data=True, **kwargs):
    """CIFAR-10 (32 px), ``split`` ``'train'`` or ``'test'``."""
    return _native(root, "cifar10", split, None, download, transform_data, True)



