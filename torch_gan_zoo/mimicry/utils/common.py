"""``torch_mimicry.utils.common``: JSON and image helpers (files written atomically)."""
import json

import torch

from torch_gan_zoo.utils.io import atomic_write_json

__all__ = ["write_to_json", "load_from_json", "load_images", "save_tensor_image"]


def write_to_json(dict_to_write, output_file):
    """Write ``dict_to_write`` as JSON to ``output_file`` atomically."""
    atomic_write_json(output_file, dict_to_write)


def load_from_json(json_file):
    """The object stored in ``json_file``."""
    with open(json_file) as f:
        return json.load(f)


def load_images(n=1, size=32):
    """``n`` real-looking test images: float (n, 3, size, size) in [-1, 1] from the built-in ``shapes``
    data (Mimicry downloads a sample image instead)."""
    from torch_gan_zoo.datasets.shapes import render_shapes

    images = render_shapes(n, resolution=size, seed=0)[0]
    images = images.float() / 127.5 - 1.0 if images.dtype == torch.uint8 else images
    return images


def save_tensor_image(x, output_file):
    """Save image(s) ``x`` (C, H, W) or (N, C, H, W) in [-1, 1] as a PNG grid."""
    import torchvision.utils as vutils

    vutils.save_image(x, output_file, normalize=True, value_range=(-1, 1))
