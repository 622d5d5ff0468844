"""``torch_mimicry.datasets.image_loader``: real images as uint8 NHWC numpy arrays, as Mimicry's
metrics take them (``get_<name>_images(num_samples, root)``)."""
import numpy as np
import torch

from torch_gan_zoo.mimicry.datasets import data_utils

__all__ = ["get_random_images", "sample_dataset_images", "get_imagenet_images", "get_fake_data_images",
           "get_lsun_bedroom_images", "get_celeba_images", "get_stl10_images", "get_cifar10_images",
           "get_cifar100_images", "get_dataset_images"]


def get_random_images(dataset, num_samples):
    """``num_samples`` images drawn without replacement (numpy's global RNG, as Mimicry): uint8
    (num_samples, H, W, 3)."""
    if num_samples > len(dataset):
        raise ValueError(f"num_samples {num_samples} exceeds the dataset size {len(dataset)}")
    choices = np.random.choice(len(dataset), size=num_samples, replace=False)
    images = torch.stack([dataset[int(i)][0] for i in choices])
    return ((images.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()


def sample_dataset_images(dataset, num_samples):
    """Same as :func:`get_random_images`."""
    return get_random_images(dataset, num_samples)


def get_imagenet_images(num_samples, root="./datasets", size=32):
    """ImageNet images at ``size`` px, uint8 NHWC."""
    return get_random_images(data_utils.load_imagenet_dataset(root, size=size), num_samples)


def get_fake_data_images(num_samples, root="./datasets", size=32, **kwargs):
    """``fake_data`` images, uint8 NHWC."""
    return get_random_images(data_utils.load_fake_dataset(root, image_size=(3, size, size), **kwargs), num_samples)


def get_lsun_bedroom_images(num_samples, root="./datasets", size=128, **kwargs):
    """LSUN bedroom images at ``size`` px, uint8 NHWC."""
    return get_random_images(data_utils.load_lsun_bedroom_dataset(root, size=size), num_samples)


def get_celeba_images(num_samples, root="./datasets", size=128, **kwargs):
    """CelebA images at ``size`` px, uint8 NHWC."""
    return get_random_images(data_utils.load_celeba_dataset(root, size=size, **kwargs), num_samples)


def get_stl10_images(num_samples, root="./datasets", size=48, **kwargs):
    """STL-10 images at ``size`` px, uint8 NHWC."""
    return get_random_images(data_utils.load_stl10_dataset(root, size=size, **kwargs), num_samples)


def get_cifar10_images(num_samples, root="./datasets", **kwargs):
    """CIFAR-10 training images, uint8 NHWC."""
    return get_random_images(data_utils.load_cifar10_dataset(root, **kwargs), num_samples)


def get_cifar100_images(num_samples, root="./datasets", **kwargs):
    """CIFAR-100 training images, uint8 NHWC."""
    return get_random_images(data_utils.load_cifar100_dataset(root, **kwargs), num_samples)


def get_dataset_images(dataset, num_samples=50000, **kwargs):
    """Images of Mimicry's dataset ``dataset`` (a name, see :data:`data_utils.NAMES`), uint8 NHWC."""
    if dataset not in data_utils.NAMES:
        raise ValueError(f"Invalid dataset name {dataset}; Mimicry's names are {sorted(data_utils.NAMES)}")
    getter = {"imagenet_32": lambda: get_imagenet_images(num_samples, size=32, **kwargs),
              "imagenet_128": lambda: get_imagenet_images(num_samples, size=128, **kwargs),
              "celeba_64": lambda: get_celeba_images(num_samples, size=64, **kwargs),
              "celeba_128": lambda: get_celeba_images(num_samples, size=128, **kwargs),
              "stl10_48": lambda: get_stl10_images(num_samples, **kwargs),
              "lsun_bedroom_128": lambda: get_lsun_bedroom_images(num_samples, **kwargs),
              "cifar10": lambda: get_cifar10_images(num_samples, **kwargs),
              "cifar100": lambda: get_cifar100_images(num_samples, **kwargs),
              "fake_data": lambda: get_fake_data_images(num_samples, **kwargs)}
    return getter[dataset]()
