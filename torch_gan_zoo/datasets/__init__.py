"""Datasets: ``load_dataset(root, name, ...)`` and the built-in, download-free ``shapes``.

Items are ``(image, label)``: image float (C, H, W) in [-1, 1], label an int.
"""
from torch_gan_zoo.datasets.base import DatasetNotFoundError, ImageTensorDataset, TransformedDataset
from torch_gan_zoo.datasets.load import DATASETS, default_resolution, load_dataset
from torch_gan_zoo.datasets.shapes import SHAPE_CLASSES, ShapesDataset, render_shapes

__all__ = [
    "DATASETS",
    "DatasetNotFoundError",
    "ImageTensorDataset",
    "TransformedDataset",
    "SHAPE_CLASSES",
    "ShapesDataset",
    "default_resolution",
    "load_dataset",
    "render_shapes",
]
