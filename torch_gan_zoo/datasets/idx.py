"""Reading the IDX files of MNIST and Fashion-MNIST (gzipped or not) without torchvision."""

from __future__ import annotations

from collections.abc import Iterable

import gzip
import os
import struct

import numpy as np
import torch

__all__ = ["read_idx", "find_idx_files"]

_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def read_idx(path: str | os.PathLike[str]) -> torch.Tensor:
    """Read one IDX file (``.gz`` or raw) into a tensor (uint8 for image and label files).

    Raises:
        ValueError: The file is not a valid IDX file (bad magic number or truncated data).
    """
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number)")
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    dtype = np.dtype(_DTYPES[data[2]])
    count = int(np.prod(shape)) if shape else 0
    offset = 4 + 4 * ndim
    if len(data) - offset < count * dtype.itemsize:
        raise ValueError(f"{path} is truncated: expected {count * dtype.itemsize} data bytes, "
                         f"found {len(data) - offset}")
    array = np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(shape)
    return torch.from_numpy(array.astype(array.dtype.newbyteorder("="), copy=True))


def find_idx_files(directories: Iterable[str | os.PathLike[str]], split: str) -> tuple[str, str] | None:
    """The first ``(images_path, labels_path)`` of ``split`` found in ``directories`` (gz or raw), or None."""
    images_name, labels_name = _FILES[split]
    for directory in directories:
        for suffix in (".gz", ""):
            images = os.path.join(directory, images_name + suffix)
            labels = os.path.join(directory, labels_name + suffix)
            if os.path.isfile(images) and os.path.isfile(labels):
                return images, labels
    return None
