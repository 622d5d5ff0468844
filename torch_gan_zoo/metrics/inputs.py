"""Every kind of input a metric accepts, turned into a finite stream of image batches.

:func:`make_source` accepts:

* a generator: an object with ``generate_images(num_images, device=None)`` (conditional ones take
  ``c=`` and have an int ``num_classes``), or any callable mapping a latent batch ``z`` of shape
  ``(N, nz)`` to images (``nz`` from the ``nz=`` argument or the object's ``nz`` attribute);
* a ``torch.utils.data.Dataset`` (items ``image`` or ``(image, label, ...)``; images float in
  ``[-1, 1]``, uint8, numpy arrays or PIL images), a list of such images, or a ``DataLoader``
  over such items;
* a dataset name understood by :func:`torch_gan_zoo.datasets.load_dataset` (with ``root``, ``split``);
* a folder of image files (``.png``, ``.jpg``, ...; not recursive);
* a tensor or numpy array of images, float in ``[-1, 1]`` or uint8, shape ``(N, C, H, W)``, C = 1 or 3;
* a saved statistics file (``.npz`` with ``mu`` and ``sigma``, pytorch-fid's format, which
  :meth:`FIDStatistics.save <torch_gan_zoo.metrics.fid.FIDStatistics.save>` writes): FID only.

Each source yields batches that are validated and converted to uint8 ``(B, C, H, W)`` (or, with
``quantize=False``, float32 holding the un-rounded 0..255 values) and counts every selected sample
exactly once: the last batch is simply smaller.

Inputs are never silently reinterpreted, and the answer never depends on ``batch_size``:

* every image of one input must have the same size and channels: images are never resized to a
  common size; the first image that differs is named (with its file, for folders), whatever the
  batch size;
* float images are read as ``[-1, 1]``. A finite input (tensor, dataset, DataLoader) of float
  images whose values all lie in ``[0, 1]`` and reach both ends of it (within ``UNIT_RANGE_EDGE``)
  is refused: it is the ``[0, 1]`` convention, which would be scored as much darker images;
  convert it with ``x * 2 - 1`` or pass uint8. Any other input whose float values are all
  non-negative and not near-constant (a bright class, a generator that collapsed to bright
  images) gets a warning;
* an unreadable or corrupt image file is named in the error;
* channels-last images ``(N, H, W, C)`` are refused with a hint to permute them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import contextlib
import hashlib
import inspect
import json
import os
import warnings

import numpy as np
import torch
import torch.nn as nn

from torch_gan_zoo.metrics.preprocess import quantize_to_uint8

__all__ = ["ImageSource", "StatsFileSource", "make_source", "IMAGE_EXTENSIONS", "DEFAULT_NUM_GENERATED",
           "RANGE_TOLERANCE"]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".ppm", ".pgm")
#: Samples drawn from a generator when no count is given: the usual 50k of the FID/IS literature.
DEFAULT_NUM_GENERATED = 50_000
#: Float images may overshoot [-1, 1] by this much (rounding in a tanh); they are clamped.
RANGE_TOLERANCE = 1e-3


def check_image_batch(batch: Any, what: str, quantize: bool = True) -> torch.Tensor:
    """Validate one batch of images and return it as uint8 (or 0..255 float32 when ``quantize=False``).

    Args:
        batch (Tensor): uint8 ``(B, C, H, W)``, or float ``(B, C, H, W)`` in ``[-1, 1]``; C = 1 or 3.
        what (str): Names the input in error messages.
        quantize (bool): Round float images to uint8 as saving them to PNG would.

    Raises:
        ValueError: Wrong number of dimensions or channels, wrong dtype, NaN/inf, values outside ``[-1, 1]``.
    """
    if not torch.is_tensor(batch):
        raise TypeError(f"{what}: expected a tensor of images, got {type(batch).__name__}")
    if batch.dim() != 4:
        raise ValueError(f"{what}: expected images of shape (N, C, H, W), got shape {tuple(batch.shape)}")
    if batch.shape[1] not in (1, 3):
        hint = " (it looks channels-last: permute it to (N, C, H, W))" if batch.shape[-1] in (1, 3) else ""
        raise ValueError(
            f"{what}: images must have 1 (grayscale) or 3 (RGB) channels, got {batch.shape[1]} channels in shape "
            f"{tuple(batch.shape)}{hint}"
        )
    if batch.dtype == torch.uint8:
        return batch if quantize else batch.float()
    if not batch.is_floating_point():
        raise ValueError(f"{what}: images must be uint8 (0..255) or float in [-1, 1], got dtype {batch.dtype}")
    if not torch.isfinite(batch).all():
        raise ValueError(f"{what}: images contain NaN or infinite values")
    lo, hi = batch.min().item(), batch.max().item()
    if lo < -1 - RANGE_TOLERANCE or hi > 1 + RANGE_TOLERANCE:
        raise ValueError(
            f"{what}: float images must be in [-1, 1], got values in [{lo:.4g}, {hi:.4g}]"
            + (" (they look like 0..255 values: pass them as uint8)" if hi > 2 else "")
        )
    if quantize:
        return quantize_to_uint8(batch)
    return batch.float().clamp(-1, 1).add(1).mul(127.5)


#: A float input whose values all lie in [0, 1] and reach both ends of it (below this, above 1 minus
#: this) is taken for [0, 1] images: real [-1, 1] images that use the whole upper half and nothing
#: below mid-grey do not occur in practice.
UNIT_RANGE_EDGE = 0.02


def _check_not_unit_range(what, lo, hi, refuse):
    """Refuse (or warn about) float images that look like the [0, 1] convention (see the module docstring).
    Near-constant images (spread below 0.1, e.g. all zeros) read the same way in both conventions
    closely enough not to be worth a warning."""
    if not (lo >= 0.0 and hi <= 1.0) or hi - lo < 0.1:
        return
    message = (f"{what}: all float values lie in [{lo:.3g}, {hi:.3g}], but float images are read as [-1, 1]; "
               f"[0, 1] images would be scored as much darker images")
    if refuse and lo <= UNIT_RANGE_EDGE and hi >= 1 - UNIT_RANGE_EDGE:
        raise ValueError(message + ": these span [0, 1], so they are [0, 1] images: convert them with "
                                   "images * 2 - 1, or pass uint8 0..255 images")
    warnings.warn(message + ": if these are [0, 1] images, convert them with images * 2 - 1", RuntimeWarning,
                  stacklevel=3)


def _to_image_tensor(item, what):
    """One dataset item (tensor / ndarray / PIL image, possibly inside a tuple) -> (C, H, W) tensor."""
    if isinstance(item, (tuple, list)):
        if not item:
            raise ValueError(f"{what}: empty item")
        item = item[0]
    elif isinstance(item, dict):
        for key in ("image", "img", "images"):
            if key in item:
                item = item[key]
                break
        else:
            raise ValueError(f"{what}: dict items need an 'image' key, got keys {sorted(item)}")
    if torch.is_tensor(item):
        return item
    if isinstance(item, np.ndarray):
        return torch.from_numpy(item)
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover
        Image = None
    if Image is not None and isinstance(item, Image.Image):
        return _pil_to_tensor(item)
    raise TypeError(f"{what}: dataset items must be images (tensor, ndarray or PIL) or (image, label), "
                    f"got {type(item).__name__}")


def _pil_to_tensor(img):
    if img.mode != "L":
        img = img.convert("RGB")
    arr = np.asarray(img, dtype=np.uint8)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return torch.from_numpy(arr.copy()).permute(2, 0, 1)


def _stack(images, what):
    """Stack (C, H, W) images; images of different sizes come back as a list, so that
    :meth:`ImageSource.batches` reports the first odd one the same way whatever the batch size."""
    for x in images:
        if x.dim() != 3:
            hint = " (it looks like a 4-D batch: items must be single images)" if x.dim() == 4 else ""
            raise ValueError(f"{what}: each image must have shape (C, H, W), got {tuple(x.shape)}{hint}")
    if len({tuple(x.shape) for x in images}) != 1:
        return list(images)
    return torch.stack(images)


def _size(shape):
    c, h, w = shape
    return f"{h}x{w} with {c} channel{'s' if c != 1 else ''}"


class ImageSource:
    """A finite stream of images for a metric.

    Attributes:
        kind (str): ``'generator'``, ``'callable'``, ``'dataset'``, ``'dataloader'``, ``'folder'``
            or ``'tensor'``.
        description (str): Human-readable identity recorded next to scores.
        num_samples (int or None): How many images the stream yields (None: unknown until consumed).
        cache_identity (dict or None): What identifies the images for the statistics cache
            (None: not cacheable, e.g. a generator or an in-memory tensor).
    """

    def __init__(self, kind: str, description: str, num_samples: int, batches_fn: Callable[..., Iterable[Any]],
                 cache_identity: Any = None, item_name: str | None = None) -> None:
        self.kind = kind
        self.description = description
        self.num_samples = num_samples
        self.cache_identity = cache_identity
        self._batches_fn = batches_fn
        self._item_name = item_name

    def _name(self, index):
        name = self._item_name(index) if self._item_name is not None else None
        return f"image {index}" + (f" ({name})" if name else "")

    def batches(self, batch_size: int, quantize: bool = True) -> Iterator[torch.Tensor]:
        """Yield checked batches: uint8 ``(B, C, H, W)`` (float32 0..255 with ``quantize=False``).

        Raises:
            ValueError: The stream yields fewer than ``num_samples`` images; an image differs in size
                from the first (named, whatever ``batch_size``); float images of a finite input
                all lie in ``[0, 1]`` (see the module docstring).
        """
        count, first_shape = 0, None
        lo, hi, floats = float("inf"), float("-inf"), False
        for batch in self._batches_fn(batch_size):
            images = batch if isinstance(batch, list) else None
            if images is None and torch.is_tensor(batch) and batch.dim() == 4 and batch.shape[1] in (1, 3):
                images = [batch[0]]  # uniform batch: only its first image can differ from the first seen
            for j, image in enumerate(images or []):
                if first_shape is None:
                    first_shape = tuple(image.shape)
                elif tuple(image.shape) != first_shape:
                    raise ValueError(
                        f"{self.description}: images differ in size: {self._name(0)} is {_size(first_shape)}, "
                        f"{self._name(count + j)} is {_size(tuple(image.shape))}. Images are never resized to a "
                        f"common size: make them all one size (and all RGB or all grayscale) first")
            if isinstance(batch, list):  # pragma: no cover - a list always holds a differing image
                batch = torch.stack(batch)
            if torch.is_tensor(batch) and batch.is_floating_point() and batch.numel():
                floats = True
                finite = batch[torch.isfinite(batch)]
                if finite.numel():
                    lo, hi = min(lo, finite.min().item()), max(hi, finite.max().item())
            batch = check_image_batch(batch, self.description, quantize)
            count += batch.shape[0]
            yield batch
        if self.num_samples is not None and count != self.num_samples:
            raise ValueError(f"{self.description}: expected {self.num_samples} images, got {count}")
        if count < 2:
            raise ValueError(f"{self.description}: at least 2 images are needed for a metric, got {count}")
        if floats:
            _check_not_unit_range(self.description, lo, hi, refuse=self.kind not in ("generator", "callable"))

    def __repr__(self):
        return f"ImageSource({self.description!r}, num_samples={self.num_samples})"


class StatsFileSource:
    """Precomputed FID statistics (``mu``, ``sigma``) read from an ``.npz`` file; serves FID only."""

    kind = "stats"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        from torch_gan_zoo.metrics.fid import FIDStatistics

        self.path = os.path.abspath(os.fspath(path))
        self.stats = FIDStatistics.load(self.path)
        self.description = f"statistics file {self.path}"
        self.num_samples = self.stats.num_samples
        self.cache_identity = None


# --------------------------------------------------------------------------------------------- helpers


def _subset_indices(total, num_samples, seed, what):
    """All indices if ``num_samples`` is None or ``total``; else a seeded random subset, sorted."""
    if num_samples is None or num_samples == total:
        return None
    if num_samples > total:
        raise ValueError(f"{what} has only {total} images, but {num_samples} were requested")
    g = torch.Generator().manual_seed(int(seed))
    return torch.randperm(total, generator=g)[:num_samples].sort().values


def _check_count(num_samples, what):
    if num_samples is not None and (not isinstance(num_samples, (int, np.integer)) or isinstance(num_samples, bool)
                                    or num_samples < 2):
        raise ValueError(f"{what}: the number of samples must be an int >= 2, got {num_samples!r}")


@contextlib.contextmanager
def _eval_mode(module):
    """Put every submodule of ``module`` in eval mode; restore each one's own mode afterwards."""
    if not isinstance(module, nn.Module):
        yield
        return
    modes = [(m, m.training) for m in module.modules()]
    module.eval()
    try:
        yield
    finally:
        for m, mode in modes:
            m.training = mode


def _module_device(obj):
    if isinstance(obj, nn.Module):
        for p in obj.parameters():
            return p.device
        for b in obj.buffers():
            return b.device
    return None


def _accepts_kwarg(fn, name):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins without signatures
        return False
    return name in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def _is_generator(obj):
    return callable(getattr(obj, "generate_images", None))


def is_conditional(obj: Any) -> bool:
    """Whether ``obj`` is a conditional generator: ``generate_images(..., c=...)`` and an int ``num_classes``."""
    n = getattr(obj, "num_classes", None)
    return (_is_generator(obj) and isinstance(n, int) and not isinstance(n, bool) and n > 0
            and _accepts_kwarg(obj.generate_images, "c"))


def _generator_source(obj, num_samples, seed, device, class_label, nz):
    num_samples = DEFAULT_NUM_GENERATED if num_samples is None else num_samples
    gen_device = _module_device(obj) or torch.device(device or "cpu")
    name = type(obj).__name__
    conditional = is_conditional(obj)
    if class_label is not None:
        if not conditional:
            raise ValueError(f"class_label={class_label!r} was given but {name} is not a conditional generator "
                             f"(it needs generate_images(num_images, c=None, device=None) and an int num_classes)")
        if not isinstance(class_label, (int, np.integer)) or not 0 <= class_label < obj.num_classes:
            raise ValueError(f"class_label must be an int in [0, {obj.num_classes}), got {class_label!r}")
    use_generate = _is_generator(obj)
    if not use_generate:
        nz = nz if nz is not None else getattr(obj, "nz", None)
        if not isinstance(nz, int) or isinstance(nz, bool) or nz < 1:
            raise ValueError(f"{name} is a plain callable: pass nz= (the latent size) or give it an int attribute "
                             f"'nz', so that latent batches z of shape (N, nz) can be sampled")
    what = f"generator {name}" + (f" (class {int(class_label)})" if class_label is not None else "")
    if seed is None:  # pragma: no cover - callers always resolve the seed first
        raise ValueError("seed must be resolved before sampling")

    def batches(batch_size):
        fork_devices = [gen_device.index or 0] if gen_device.type == "cuda" else []
        with torch.random.fork_rng(devices=fork_devices), _eval_mode(obj), torch.inference_mode():
            torch.manual_seed(int(seed))
            if not use_generate:
                # All latents drawn up front from a private generator: the images do not depend on
                # the batch size.
                z_all = torch.randn(num_samples, nz, generator=torch.Generator().manual_seed(int(seed)))
            for start in range(0, num_samples, batch_size):
                b = min(batch_size, num_samples - start)
                if use_generate:
                    kwargs = {"device": gen_device}
                    if class_label is not None:
                        kwargs["c"] = int(class_label)
                    out = obj.generate_images(b, **kwargs)
                else:
                    out = obj(z_all[start:start + b].to(gen_device))
                if not torch.is_tensor(out) or out.dim() != 4 or out.shape[0] != b or out.shape[1] not in (1, 3):
                    shape = tuple(out.shape) if torch.is_tensor(out) else type(out).__name__
                    hint = (" (it looks channels-last (N, H, W, C): permute its output with .permute(0, 3, 1, 2))"
                            if torch.is_tensor(out) and out.dim() == 4 and out.shape[-1] in (1, 3) else "")
                    raise ValueError(f"{what} returned {shape} for a request of {b} images; expected a float "
                                     f"tensor of shape ({b}, C, H, W) with C = 1 or 3, in [-1, 1]{hint}")
                yield out

    kind = "generator" if use_generate else "callable"
    return ImageSource(kind, what, num_samples, batches)


def _dataset_batches(dataset, indices, what, num_workers):
    from torch.utils.data import DataLoader

    order = list(range(len(dataset))) if indices is None else indices.tolist()

    def collate(items):
        return _stack([_to_image_tensor(it, what) for it in items], what)

    def batches(batch_size):
        chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
        loader = DataLoader(dataset, batch_sampler=chunks, collate_fn=collate, num_workers=num_workers)
        yield from loader

    return batches


def _dataset_source(dataset, num_samples, seed, what, identity, num_workers, kind="dataset"):
    from torch.utils.data import IterableDataset

    if isinstance(dataset, IterableDataset) or not hasattr(dataset, "__len__"):
        return _iterable_source(dataset, num_samples, what, "dataset")
    total = len(dataset)
    indices = _subset_indices(total, num_samples, seed, what)
    n = total if indices is None else len(indices)
    if identity is not None:
        identity = dict(identity, num_samples=n, total=total, subset_seed=None if indices is None else int(seed))
    item_name = None
    if hasattr(dataset, "name_of"):
        order = None if indices is None else indices.tolist()
        item_name = lambda i: dataset.name_of(i if order is None else order[i])  # noqa: E731
    return ImageSource(kind, what, n, _dataset_batches(dataset, indices, what, num_workers), identity, item_name)


def _rebatch(chunks, batch_size, what):
    """Regroup a stream of ``(k, C, H, W)`` tensors into batches of exactly ``batch_size`` (the last smaller)."""
    pending, count = [], 0

    def joined():
        if len(pending) == 1:
            return pending[0]
        if len({tuple(p.shape[1:]) for p in pending}) != 1:  # a list of single images: reported by batches()
            return [image for p in pending for image in (p if isinstance(p, list) else list(p))]
        return torch.cat(pending)

    for chunk in chunks:
        pending.append(chunk)
        count += chunk.shape[0]
        while count >= batch_size:
            batch = joined()
            yield batch[:batch_size]
            rest = batch[batch_size:]
            size = len(rest) if isinstance(rest, list) else rest.shape[0]
            pending, count = ([rest] if size else []), size
    if count:
        yield joined()


def _iterable_source(iterable, num_samples, what, kind):
    """A DataLoader / iterable: the first ``num_samples`` images it yields (all if None)."""

    def chunks():
        taken = 0
        for item in iterable:
            if torch.is_tensor(item) and item.dim() == 4:
                batch = item
            elif isinstance(item, (tuple, list)) and item and torch.is_tensor(item[0]) and item[0].dim() == 4:
                batch = item[0]
            elif isinstance(item, dict) and torch.is_tensor(item.get("image")):
                batch = item["image"]
            else:
                batch = _to_image_tensor(item, what).unsqueeze(0)
            if num_samples is not None:
                batch = batch[: num_samples - taken]
            taken += batch.shape[0]
            yield batch
            if num_samples is not None and taken >= num_samples:
                return

    return ImageSource(kind, what, num_samples, lambda batch_size: _rebatch(chunks(), batch_size, what))


def _tensor_source(images, num_samples, seed):
    if isinstance(images, np.ndarray):
        images = torch.from_numpy(images)
    what = f"image tensor of shape {tuple(images.shape)}"
    if images.dim() != 4:
        raise ValueError(f"{what}: expected images of shape (N, C, H, W)")
    if images.is_floating_point() and images.numel() and images.shape[1] in (1, 3) and \
            bool(torch.isfinite(images).all()):
        _check_not_unit_range(what, images.min().item(), images.max().item(), refuse=True)  # whole tensor, up front
    indices = _subset_indices(images.shape[0], num_samples, seed, what)
    if indices is not None:
        images = images.index_select(0, indices)

    def batches(batch_size):
        for start in range(0, images.shape[0], batch_size):
            yield images[start:start + batch_size]

    return ImageSource("tensor", what, images.shape[0], batches)


class _FolderDataset(torch.utils.data.Dataset):
    def __init__(self, files):
        self.files = files

    def __len__(self):
        return len(self.files)

    def name_of(self, i):
        return self.files[i]

    def __getitem__(self, i):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(self.files[i]) as img:
                return _pil_to_tensor(img)
        except (OSError, SyntaxError, ValueError, UnidentifiedImageError) as exc:  # truncated, corrupt, not an image
            raise ValueError(f"cannot read image file {self.files[i]}: {exc} (the file is corrupt, truncated or "
                             f"not an image; remove or replace it)") from exc


def _folder_source(path, num_samples, seed, num_workers):
    path = os.path.abspath(path)
    names = sorted(n for n in os.listdir(path)
                   if n.lower().endswith(IMAGE_EXTENSIONS) and os.path.isfile(os.path.join(path, n)))
    what = f"image folder {path}"
    if not names:
        raise ValueError(f"{what} holds no image files ({', '.join(IMAGE_EXTENSIONS)})")
    listing = hashlib.sha256()
    for n in names:
        st = os.stat(os.path.join(path, n))
        listing.update(f"{n}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    identity = {"kind": "folder", "path": path, "listing_sha256": listing.hexdigest()}
    dataset = _FolderDataset([os.path.join(path, n) for n in names])
    return _dataset_source(dataset, num_samples, seed, what, identity, num_workers, kind="folder")


def _named_dataset_source(name, num_samples, seed, root, split, resolution, download, dataset_kwargs, num_workers):
    try:
        from torch_gan_zoo.datasets import load_dataset
    except ImportError as exc:  # pragma: no cover - the datasets package is part of the library
        raise ImportError(f"dataset name {name!r} needs torch_gan_zoo.datasets ({exc})") from exc
    try:
        dataset = load_dataset(root, name, split=split, resolution=resolution, download=download,
                               **(dataset_kwargs or {}))
    except Exception as exc:
        raise ValueError(f"{name!r} is neither an existing folder, a statistics file (.npz) nor a dataset that "
                         f"load_dataset can open (root={root!r}, split={split!r}): {exc}") from exc
    what = f"dataset {name} (split={split}" + (f", resolution={resolution}" if resolution else "") + ")"
    identity = {
        "kind": "dataset", "name": name, "split": split, "resolution": resolution,
        "root": os.path.abspath(os.path.expanduser(os.fspath(root))) if root is not None else None,
        "kwargs": json.loads(json.dumps(dataset_kwargs or {}, sort_keys=True, default=str)),
    }
    return _dataset_source(dataset, num_samples, seed, what, identity, num_workers), dataset


def labels_of(dataset: Any, what: str = "dataset") -> torch.Tensor:
    """Integer labels of every item of a labelled dataset, as a LongTensor of length ``len(dataset)``.

    Uses a ``targets`` or ``labels`` attribute when present, otherwise reads each item's second element.
    """
    for attr in ("targets", "labels"):
        values = getattr(dataset, attr, None)
        if values is not None and len(values) == len(dataset):
            return torch.as_tensor(np.asarray(values)).long()
    labels = []
    for i in range(len(dataset)):
        item = dataset[i]
        if not isinstance(item, (tuple, list)) or len(item) < 2:
            raise ValueError(f"{what} is not labelled: its items are not (image, label) pairs")
        labels.append(int(item[1]))
    return torch.tensor(labels, dtype=torch.long)


def make_source(obj: Any, *, num_samples: int | None = None, seed: int = 0, device: str | torch.device | None = None,
                class_label: int | None = None, nz: int | None = None, root: str | os.PathLike[str] | None = None,
                split: str = "train", resolution: int | None = None, download: bool = False,
                dataset_kwargs: Mapping[str, Any] | None = None, num_workers: int = 0,
                role: str = "input") -> ImageSource | StatsFileSource:
    """Turn any supported input (see the module docstring) into an :class:`ImageSource`.

    Args:
        obj: The input.
        num_samples (int, optional): Images to use. Generators default to 50,000; finite inputs to
            all their images, and a smaller count selects a random subset fixed by ``seed``.
        seed (int): Seeds generator sampling and subset selection.
        device: Where a plain callable / generator without parameters is run.
        class_label (int, optional): Class for a conditional generator, or filter for a labelled
            dataset (a Dataset or a dataset name).
        nz (int, optional): Latent size for plain callables.
        root, split, resolution, download, dataset_kwargs: For dataset names (``load_dataset``).
        num_workers (int): DataLoader workers for datasets and folders.
        role (str): ``'real'`` / ``'fake'``, only used in error messages.

    Returns:
        ImageSource or StatsFileSource
    """
    _check_count(num_samples, role)
    if obj is None:
        raise ValueError(f"no {role} input was given")
    if isinstance(obj, (str, os.PathLike)):
        path = os.fspath(obj)
        if os.path.isdir(path):
            return _folder_source(path, num_samples, seed, num_workers)
        if os.path.isfile(path):
            if path.lower().endswith(".npz"):
                return StatsFileSource(path)  # its sample count is fixed; it is recorded in the result
            raise ValueError(f"{path} is a file but not a statistics file (.npz); pass a folder of images, a "
                             f".npz statistics file, a dataset name, a tensor, a Dataset or a generator")
        source, dataset = _named_dataset_source(path, None, seed, root, split, resolution, download,
                                                dataset_kwargs, num_workers)
        return _filter_by_class(source, dataset, class_label, num_samples, seed, num_workers)
    if torch.is_tensor(obj) or isinstance(obj, np.ndarray):
        return _tensor_source(obj, num_samples, seed)
    from torch.utils.data import DataLoader, Dataset

    if isinstance(obj, DataLoader):
        return _iterable_source(obj, num_samples, f"DataLoader over {type(obj.dataset).__name__}", "dataloader")
    if isinstance(obj, (list, tuple)):
        return _dataset_source(obj, num_samples, seed, f"list of {len(obj)} images", None, num_workers)
    if isinstance(obj, Dataset):
        source = _dataset_source(obj, None, seed, f"{type(obj).__name__} dataset", None, num_workers)
        return _filter_by_class(source, obj, class_label, num_samples, seed, num_workers)
    if _is_generator(obj) or callable(obj):
        return _generator_source(obj, num_samples, seed, device, class_label, nz)
    raise TypeError(f"unsupported {role} input of type {type(obj).__name__}: pass a generator, a callable "
                    f"z -> images, a Dataset, a DataLoader, a dataset name, a folder, an image tensor or a "
                    f".npz statistics file")


def _filter_by_class(source, dataset, class_label, num_samples, seed, num_workers):
    """Restrict a dataset source to one class (if asked) and to ``num_samples`` images."""
    from torch.utils.data import Subset

    identity = source.cache_identity
    if identity is not None:  # forget the unsubsampled counts set by _dataset_source
        identity = {k: v for k, v in identity.items() if k not in ("num_samples", "total", "subset_seed")}
    if class_label is None:
        if num_samples is None:
            return source
        return _dataset_source(dataset, num_samples, seed, source.description, identity, num_workers)
    labels = labels_of(dataset, source.description)
    idx = torch.nonzero(labels == int(class_label)).flatten()
    what = f"{source.description}, class {int(class_label)}"
    if len(idx) < 2:
        raise ValueError(f"{what}: fewer than 2 images of class {int(class_label)}")
    if identity is not None:
        identity = dict(identity, class_label=int(class_label))
    return _dataset_source(Subset(dataset, idx.tolist()), num_samples, seed, what, identity, num_workers)
