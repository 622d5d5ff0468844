"""Crash-safe file writing and safe checkpoint loading.

Every file the library writes (checkpoints, caches, downloads, JSON snapshots) goes through
:func:`atomic_write`: the bytes land in a temporary file in the same directory, which is flushed,
fsynced and then renamed over the target. A reader therefore sees either the old file or the whole
new one, never a half-written file, even if the process is killed mid-write.

Checkpoints are loaded with ``torch.load(..., weights_only=True)`` only: they may hold tensors,
state dicts and plain Python values, never arbitrary pickled objects.
"""
import contextlib
import json
import os
import tempfile

import torch

__all__ = [
    "CheckpointError",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_json",
    "save_torch_file",
    "load_torch_file",
]


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, unreadable, corrupt or does not hold what was expected."""


def _fsync_dir(directory):
    """Flush a directory entry to disk so a rename survives a power loss (no-op where unsupported)."""
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
def atomic_write(path, mode="wb"):
    """Open a temporary file that replaces ``path`` atomically when the block exits cleanly.

    The temporary file lives next to ``path`` (same filesystem, so the rename is atomic), is
    flushed and fsynced before the rename, and is deleted if the block raises, leaving any
    previous ``path`` untouched. Parent directories are created.

    Args:
        path (str or os.PathLike): Final file path.
        mode (str): ``'wb'`` (default) or ``'w'`` for text.

    Yields:
        file object: Write to it; do not close it yourself.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write mode must be 'wb' or 'w', got {mode!r}")
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp_path = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_path)
        raise
    _fsync_dir(directory)


def atomic_write_bytes(path, data):
    """Write ``data`` (bytes) to ``path`` atomically (see :func:`atomic_write`)."""
    with atomic_write(path, "wb") as f:
        f.write(data)


def atomic_write_json(path, obj):
    """Write ``obj`` as indented, key-sorted JSON to ``path`` atomically."""
    with atomic_write(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def save_torch_file(obj, path):
    """``torch.save`` ``obj`` to ``path`` atomically.

    ``obj`` should hold only tensors, state dicts and plain Python values so that it loads with
    :func:`load_torch_file` (``weights_only=True``).
    """
    with atomic_write(path, "wb") as f:
        torch.save(obj, f)


def load_torch_file(path, map_location="cpu"):
    """Load a file written by :func:`save_torch_file` with ``torch.load(weights_only=True)``.

    Args:
        path (str or os.PathLike): The file.
        map_location: Passed to ``torch.load``; defaults to CPU so that GPU checkpoints load anywhere.

    Returns:
        The stored object (dicts, lists, tensors, numbers, strings).

    Raises:
        CheckpointError: The file is missing, truncated, corrupt, or holds objects that are not
            allowed under ``weights_only`` loading (arbitrary pickled classes).
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise CheckpointError(f"checkpoint file not found: {path}")
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except Exception as exc:  # torch raises RuntimeError, UnpicklingError, EOFError, ...
        raise CheckpointError(
            f"could not load checkpoint {path}: the file is corrupt, truncated, or holds objects "
            f"other than tensors and plain values ({type(exc).__name__}: {exc})"
        ) from exc
