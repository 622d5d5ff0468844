"""Dataset classes shared by every loader: items are ``(image, label)`` with image float
(C, H, W) in [-1, 1] and label an int."""

from __future__ import annotations
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

__all__ = ["DatasetNotFoundError", "ImageTensorDataset", "TransformedDataset", "resize_uint8"]


class DatasetNotFoundError(FileNotFoundError):
    """A dataset's files are missing. The message says where it looked and how to get them."""


def resize_uint8(images: torch.Tensor, resolution: int) -> torch.Tensor:
    """Resize a uint8 batch (N, C, H, W) to (N, C, resolution, resolution) with antialiased bilinear
    interpolation, in chunks (for 60k-image datasets at load time)."""
    if images.shape[-1] == resolution and images.shape[-2] == resolution:
        return images
    out = []
    for chunk in images.split(4096):
        resized = F.interpolate(chunk.float(), size=(resolution, resolution), mode="bilinear",
                                align_corners=False, antialias=True)
        out.append(resized.round_().clamp_(0, 255).to(torch.uint8))
    return torch.cat(out)


class _Described:
    def describe(self):
        """``{'name', 'split', 'resolution', 'channels', 'num_classes'}`` of this dataset."""
        return {"name": self.name, "split": self.split, "resolution": self.resolution,
                "channels": self.channels, "num_classes": self.num_classes}


class ImageTensorDataset(_Described, Dataset):
    """An in-memory dataset of uint8 images.

    Args:
        images (Tensor): uint8 (N, C, H, W), H == W.
        labels (Tensor): long (N,).
        name (str), split (str): For :meth:`describe` and hyperparameter snapshots.
        num_classes (int, optional): Number of classes (default ``labels.max() + 1``).

    Items: ``(float (C, H, W) in [-1, 1], int)``.
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor | None, name: str, split: str,
                 num_classes: int | None = None) -> None:
        if images.dtype != torch.uint8 or images.dim() != 4:
            raise ValueError(f"images must be uint8 (N, C, H, W), got {images.dtype} {tuple(images.shape)}")
        if labels.shape != (images.shape[0],):
            raise ValueError(f"need one label per image: {images.shape[0]} images, "
                             f"labels of shape {tuple(labels.shape)}")
        self.images = images.contiguous()
        self.labels = labels.long()
        self.name, self.split = name, split
        self.resolution = images.shape[-1]
        self.channels = images.shape[1]
        if num_classes is None:
            num_classes = int(labels.max()) + 1 if len(labels) else 0
        self.num_classes = int(num_classes)

    def __len__(self):
        return self.images.shape[0]

    def __getitem__(self, index):
        return self.images[index].float().div_(127.5).sub_(1.0), int(self.labels[index])


class TransformedDataset(_Described, Dataset):
    """Wraps a dataset of PIL images (e.g. a torchvision dataset): resizes, centre-crops and scales
    each image to float (C, H, W) in [-1, 1] when it is read.

    Args:
        base: A dataset whose items are ``(PIL.Image, label)`` (or ``(PIL.Image,)``).
        resolution (int): Output size. channels (int): 1 or 3.
        name, split (str), num_classes (int): For :meth:`describe`.
        center_crop (int, optional): Crop this many pixels from the centre before resizing.
    """

    def __init__(self, base: Dataset, resolution: int, channels: int, name: str, split: str, num_classes: int | None,
                 center_crop: int | None = None) -> None:
        import torchvision.transforms as T

        self.base = base
        self.name, self.split = name, split
        self.resolution, self.channels, self.num_classes = resolution, channels, num_classes
        steps = [T.CenterCrop(center_crop)] if center_crop else []
        steps += [T.Resize(resolution, antialias=True), T.CenterCrop(resolution)]
        self.transform = T.Compose(steps)

    def __len__(self):
        return len(self.base)

    def __getitem__(self, index):
        import torchvision.transforms.functional as TF

        item = self.base[index]
        image, label = (item[0], item[1]) if isinstance(item, (tuple, list)) and len(item) > 1 else (item, 0)
        image = self.transform(image.convert("RGB" if self.channels == 3 else "L"))
        tensor = TF.pil_to_tensor(image).float().div_(127.5).sub_(1.0)
        return tensor, int(label) if label is not None else 0
