"""Tiny fake MNIST-format (IDX) data folders, for tests that load ``mnist``/``fashion_mnist`` offline."""
import gzip
import os
import struct

import numpy as np


def write_idx(path, array, gz=True):
    """Write a uint8 array as an IDX file (gzipped unless ``gz=False``)."""
    codes = {np.uint8: 0x08}
    header = bytes([0, 0, codes[array.dtype.type], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.tobytes()
    with (gzip.open if gz else open)(path, "wb") as f:
        f.write(data)


def fake_mnist(folder, n=6, gz=True):
    """Random 28 px train and test splits of ``n`` images each (labels in [0, 10)) in ``folder``."""
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(0)
    suffix = ".gz" if gz else ""
    for prefix in ("train", "t10k"):  # the train and test splits
        images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        write_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte{suffix}"), images, gz)
        labels = rng.integers(0, 10, (n,), dtype=np.uint8)
        write_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte{suffix}"), labels, gz)
