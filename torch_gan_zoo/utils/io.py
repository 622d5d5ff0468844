"""Crash-safe file writing and safe checkpoint loading.

Every file the library writes (checkpoints, caches, downloads, JSON snapshots) goes through
:func:`atomic_write`: the bytes land in a temporary file in the same directory, which is flushed,
fsynced and then renamed over the target. A reader therefore sees either the old file or the whole
new one, never a half-written file, even if the process is killed mid-write.

Checkpoints are loaded with ``torch.load(..., weights_only=True)`` only: they may hold tensors,
state dicts and plain Python values, never arbitrary pickled objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO, Any

import contextlib
import errno
import hashlib
import json
import math
import os
import re
import shutil
import tempfile

import torch

__all__ = [
    "CheckpointError",
    "DiskFullError",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_json",
    "jsonable",
    "atomic_save_image",
    "fsync_dir",
    "is_temp_file",
    "save_torch_file",
    "load_torch_file",
    "sha256_file",
    "torch_payload_bytes",
]

#: Temporary files :func:`atomic_write` creates: ``.<final name>.<8 random chars>.tmp``.
_TEMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_DISK_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, unreadable, corrupt or does not hold what was expected."""


class DiskFullError(OSError, RuntimeError):
    """Writing a file failed because its filesystem is full (or the user's quota is spent).

    The message names the folder and about how many megabytes the file needs; the file being
    written is left as it was before (no partial file), so earlier checkpoints stay usable. It is
    an ``OSError`` (``errno.ENOSPC``) and also a ``RuntimeError``, so that code reporting runtime
    failures as one-line messages (the ``torch-gan-zoo`` command) reports it that way too.

    Attributes:
        path (str): The file that could not be written.
        needed_bytes (int or None): About how many bytes it needs.
        free_bytes (int or None): Free bytes on that filesystem when the error was raised.
    """

    def __init__(self, path: str | os.PathLike[str], needed_bytes: int | None = None,
                 free_bytes: int | None = None) -> None:
        self.path = os.fspath(path)
        self.needed_bytes = needed_bytes
        self.free_bytes = free_bytes
        directory = os.path.dirname(os.path.abspath(self.path))
        need = "" if not needed_bytes else f": need about {max(1, math.ceil(needed_bytes / 1e6))} MB"
        free = "" if free_bytes is None else f", {free_bytes / 1e6:.1f} MB free"
        name = os.path.basename(self.path)
        super().__init__(errno.ENOSPC, f"no space left on {directory}{need}{free} (writing {name}; "
                                       "nothing was overwritten: free some space and run again)")

    def __str__(self):
        return self.strerror

    def __reduce__(self):
        return type(self), (self.path, self.needed_bytes, self.free_bytes)


def _free_bytes(directory):
    try:
        return shutil.disk_usage(directory).free
    except OSError:  # pragma: no cover - exotic filesystems
        return None


def _is_disk_full(exc):
    """Whether ``exc`` or an exception it was raised from is ENOSPC/EDQUOT (torch.save hides the
    OSError of a failed write behind a RuntimeError 'unexpected pos')."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in _DISK_FULL_ERRNOS:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def is_temp_file(name: str) -> bool:
    """Whether the file name ``name`` (no folder) is a temporary file of :func:`atomic_write`,
    i.e. the leftover of a write that was killed before its rename."""
    return bool(_TEMP_NAME.match(os.path.basename(name)))


def sha256_file(path: str | os.PathLike[str], chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_dir(directory: str | os.PathLike[str]) -> None:
    """Flush a directory entry to disk so a rename survives a power loss (no-op where unsupported)."""
    _fsync_dir(directory)


def _fsync_dir(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "wb", size_hint: int | None = None) -> Iterator[IO[Any]]:
    """Open a temporary file that replaces ``path`` atomically when the block exits cleanly.

    The temporary file lives next to ``path`` (same filesystem, so the rename is atomic), is
    flushed and fsynced before the rename, after which the directory is fsynced too. If the block
    raises, the temporary file is deleted and any previous ``path`` is untouched. Parent
    directories are created.

    Args:
        path (str or os.PathLike): Final file path.
        mode (str): ``'wb'`` (default) or ``'w'`` for text.
        size_hint (int, optional): About how many bytes will be written; if the filesystem has
            less free space, :class:`DiskFullError` is raised before anything is written.

    Yields:
        file object: Write to it; do not close it yourself.

    Raises:
        DiskFullError: The filesystem is (or would be) full; names the folder and the size needed.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write mode must be 'wb' or 'w', got {mode!r}")
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    if size_hint:
        free = _free_bytes(directory)
        if free is not None and free < size_hint:
            raise DiskFullError(path, size_hint, free)
    try:
        fd, tmp_path = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    except OSError as exc:
        if _is_disk_full(exc):
            raise DiskFullError(path, size_hint, _free_bytes(directory)) from exc
        raise
    written = 0
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
            yield f
            f.flush()
            written = f.tell()
            os.fsync(f.fileno())
        os.replace(tmp_path, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_path)
        if _is_disk_full(exc) and not isinstance(exc, DiskFullError):
            raise DiskFullError(path, max(size_hint or 0, written) or None, _free_bytes(directory)) from exc
        raise
    _fsync_dir(directory)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` (bytes) to ``path`` atomically (see :func:`atomic_write`)."""
    with atomic_write(path, "wb") as f:
        f.write(data)


def jsonable(value: Any) -> Any:
    """Convert ``value`` to plain JSON types (tuples become lists, dtypes and devices strings).

    Raises:
        TypeError: ``value`` cannot be represented faithfully in JSON.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (torch.dtype, torch.device)):
        return str(value)
    if hasattr(value, "to_config"):
        return jsonable(value.to_config())
    raise TypeError(f"{type(value).__name__} value {value!r} cannot be stored as JSON")


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Write ``obj`` as indented, key-sorted JSON to ``path`` atomically."""
    with atomic_write(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def atomic_save_image(images: torch.Tensor, path: str | os.PathLike[str], **grid_kwargs: Any) -> None:
    """Save an image grid like ``torchvision.utils.save_image(images, path, **grid_kwargs)``, atomically.

    Args:
        images (Tensor): float ``(N, C, H, W)`` (or ``(C, H, W)``); pass ``normalize=True,
            value_range=(-1, 1)`` for images in ``[-1, 1]``.
        path (str): Output file; its extension chooses the format (``.png``, ``.jpg``, ...).
    """
    import torchvision.utils as vutils

    extension = os.path.splitext(os.fspath(path))[1].lstrip(".").lower()
    image_format = {"jpg": "JPEG", "jpeg": "JPEG", "tif": "TIFF"}.get(extension, extension.upper() or "PNG")
    with atomic_write(path, "wb") as f:
        vutils.save_image(images, f, format=image_format, **grid_kwargs)


def save_torch_file(obj: Any, path: str | os.PathLike[str]) -> None:
    """``torch.save`` ``obj`` to ``path`` atomically.

    ``obj`` should hold only tensors, state dicts and plain Python values so that it loads with
    :func:`load_torch_file` (``weights_only=True``).

    Raises:
        DiskFullError: The filesystem is full (checked before writing, using the size of the
            tensors in ``obj``, and on the write itself); ``path`` is left as it was.
    """
    with atomic_write(path, "wb", size_hint=torch_payload_bytes(obj)) as f:
        torch.save(obj, f)


def torch_payload_bytes(obj: Any) -> int:
    """Bytes of tensor data in ``obj`` (nested dicts, lists and tuples), plus a small allowance
    for the file's structure: about the size :func:`torch.save` writes."""
    total, stack, seen = 64 * 1024, [obj], set()
    while stack:
        item = stack.pop()
        if torch.is_tensor(item):
            storage = item.untyped_storage()
            key = (storage.data_ptr(), storage.nbytes()) if storage.data_ptr() else id(item)
            if key not in seen:
                seen.add(key)
                total += storage.nbytes()
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return total


def load_torch_file(path: str | os.PathLike[str], map_location: str | torch.device | None = "cpu",
                    required_keys: Sequence[str] = (), what: str = "checkpoint") -> Any:
    """Load a file written by :func:`save_torch_file` with ``torch.load(weights_only=True)``.

    Args:
        path (str or os.PathLike): The file.
        map_location: Passed to ``torch.load``; defaults to CPU so that GPU checkpoints load anywhere.
        required_keys: Keys the stored object must have (then it must be a dict), e.g.
            ``('model_state_dict', 'global_step')``.
        what: What the file should be, for the error message (``'model checkpoint'``).

    Returns:
        The stored object (dicts, lists, tensors, numbers, strings).

    Raises:
        CheckpointError: The file is missing, truncated, corrupt, or holds objects that are not
            allowed under ``weights_only`` loading (arbitrary pickled classes), or lacks a required key.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise CheckpointError(f"checkpoint file not found: {path}")
    try:
        obj = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as exc:  # torch raises RuntimeError, UnpicklingError, EOFError, ...
        raise CheckpointError(
            f"could not load checkpoint {path}: the file is corrupt, truncated, or holds objects "
            f"other than tensors and plain values ({type(exc).__name__}: {exc})"
        ) from exc
    if required_keys and not (isinstance(obj, dict) and all(key in obj for key in required_keys)):
        found = sorted(obj) if isinstance(obj, dict) else type(obj).__name__
        raise CheckpointError(f"{path} is not a {what}: expected keys {' and '.join(map(repr, required_keys))}, "
                              f"found {found}")
    return obj
