"""Reading and writing ``model.safetensors`` with checks that name the offending tensor.

The safetensors format is: 8 bytes (little-endian unsigned length ``n``), ``n`` bytes of JSON
header mapping each tensor name to ``{"dtype", "shape", "data_offsets": [begin, end]}`` (offsets
into the data that follows; an optional ``"__metadata__"`` maps strings to strings), then the data.
Nothing in it is executable: loading cannot run code.

:func:`read_safetensors` validates the whole header before a byte of tensor data is interpreted
(lengths, JSON, dtypes, shapes, that every tensor's byte range matches its shape and dtype, and
that the ranges tile the data without gaps or overlaps), then compares the tensors with what the
model expects; every problem is a :class:`WeightsFileError` naming the file and the tensor.
"""
from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping

import torch

from torch_gan_zoo.utils.io import atomic_write_bytes

__all__ = [
    "DTYPES",
    "WeightsFileError",
    "canonical_safetensors_bytes",
    "check_tensors",
    "read_safetensors",
    "read_safetensors_header",
    "write_safetensors",
]

#: safetensors dtype names -> torch dtypes (those the library reads).
DTYPES = {
    "F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
    "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
    "BOOL": torch.bool,
}
_MAX_HEADER = 100 * 1024 * 1024


class WeightsFileError(ValueError):
    """A weights file is malformed, or its tensors do not fit the model (names the tensor)."""


def write_safetensors(path, tensors: Mapping[str, torch.Tensor], metadata: Mapping[str, str] | None = None):
    """Write ``tensors`` (name -> tensor, any device) and string ``metadata`` to ``path`` atomically.

    Tensors are copied to contiguous CPU memory first (safetensors refuses shared storage). The header is
    written in a canonical form (:func:`canonical_safetensors_bytes`), so the same tensors and metadata
    always give the same bytes and the same SHA-256.
    """
    from safetensors.torch import save

    plain = {name: t.detach().to("cpu").contiguous().clone() for name, t in tensors.items()}
    bad = {k: type(v).__name__ for k, v in (metadata or {}).items() if not isinstance(v, str)}
    if bad:
        raise TypeError(f"safetensors metadata values must be strings; not: {bad}")
    atomic_write_bytes(path, canonical_safetensors_bytes(save(plain, metadata=dict(metadata or {}))))
    return os.fspath(path)


def canonical_safetensors_bytes(blob: bytes) -> bytes:
    """``blob`` (a safetensors file's bytes) with its JSON header re-written with sorted keys and no spaces,
    padded with spaces to a multiple of 8 bytes; the data part is unchanged (its offsets are relative to it).

    The safetensors library keeps ``__metadata__`` in a hash map whose order changes from one call to the
    next, so two exports of the same weights had different bytes (and SHA-256) without this.
    """
    if len(blob) < 8:
        raise WeightsFileError(f"not a safetensors file: {len(blob)} bytes")
    n = int.from_bytes(blob[:8], "little")
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return len(text).to_bytes(8, "little") + text + blob[8 + n:]


def _fail(path, message):
    raise WeightsFileError(f"{path}: {message}")


def read_safetensors_header(path) -> tuple[dict[str, dict], dict[str, str], int]:
    """Parse and validate the header of a safetensors file without reading tensor data.

    Returns:
        tuple: ``(tensors, metadata, data_start)``: tensor name -> ``{'dtype', 'shape',
        'data_offsets'}``, the ``__metadata__`` dict, and the byte where the data begins.

    Raises:
        WeightsFileError: Too short, a header length beyond the file, a header that is not a JSON
            object, an unknown dtype, a bad shape, byte ranges that do not match shape x dtype, that
            overlap, leave gaps or run past the end of the file.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise WeightsFileError(f"weights file not found: {path}")
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            _fail(path, f"not a safetensors file: {size} bytes, shorter than the 8-byte header length")
        n = int.from_bytes(head, "little")
        if n < 2 or n > _MAX_HEADER or 8 + n > size:
            _fail(path, f"not a safetensors file: its first 8 bytes announce a {n}-byte header, but the file has "
                        f"{size} bytes (a pickle or a truncated download?)")
        raw = f.read(n)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail(path, f"the safetensors header is not valid JSON ({exc})")
    if not isinstance(header, dict):
        _fail(path, f"the safetensors header must be a JSON object, got {type(header).__name__}")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                 for k, v in metadata.items()):
        _fail(path, "__metadata__ must map strings to strings")
    data_len = size - 8 - n
    spans = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            _fail(path, f"tensor {name!r}: header entry must have exactly dtype, shape and data_offsets, got {info!r}")
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPES:
            _fail(path, f"tensor {name!r}: unsupported dtype {dtype!r} (supported: {', '.join(DTYPES)})")
        if not isinstance(shape, list) or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                                  for d in shape):
            _fail(path, f"tensor {name!r}: shape must be a list of non-negative ints, got {shape!r}")
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)):
            _fail(path, f"tensor {name!r}: data_offsets must be [begin, end], got {offsets!r}")
        begin, end = offsets
        if not 0 <= begin <= end <= data_len:
            _fail(path, f"tensor {name!r}: data_offsets [{begin}, {end}] lie outside the {data_len} data bytes "
                        f"of the file (truncated?)")
        need = math.prod(shape) * torch.empty((), dtype=DTYPES[dtype]).element_size()
        if end - begin != need:
            _fail(path, f"tensor {name!r}: header says shape {shape} of {dtype} ({need} bytes) but its data_offsets "
                        f"cover {end - begin} bytes")
        spans.append((begin, end, name))
    position, previous = 0, None
    for begin, end, name in sorted(spans):
        if begin < position:
            _fail(path, f"tensor {name!r}: its bytes [{begin}, {end}) overlap those of tensor {previous!r}")
        if begin > position:
            _fail(path, f"tensor {name!r}: {begin - position} unaccounted bytes before it (offsets leave a gap)")
        position, previous = end, name
    if position != data_len:
        _fail(path, f"{data_len - position} bytes after the last tensor are not described by the header")
    return header, dict(metadata), 8 + n


def check_tensors(path, tensors: Mapping[str, dict], expected: Mapping[str, tuple[tuple, torch.dtype]]):
    """Compare header entries (name -> ``{'dtype', 'shape'}``) with ``expected`` (name -> (shape, dtype)).

    Raises:
        WeightsFileError: Missing or unexpected tensors, or a shape or dtype that differs, each named.
    """
    missing = sorted(set(expected) - set(tensors))
    extra = sorted(set(tensors) - set(expected))
    problems = []
    if missing:
        problems.append(f"missing tensor(s) {missing}")
    if extra:
        problems.append(f"unexpected tensor(s) {extra}")
    for name in sorted(set(expected) & set(tensors)):
        shape, dtype = expected[name]
        info = tensors[name]
        if tuple(info["shape"]) != tuple(shape):
            problems.append(f"tensor {name!r} has shape {tuple(info['shape'])}, the model expects {tuple(shape)}")
        if DTYPES[info["dtype"]] != dtype:
            problems.append(f"tensor {name!r} is {info['dtype']} ({DTYPES[info['dtype']]}), expected {dtype}")
    if problems:
        _fail(path, "the weights do not fit the model: " + "; ".join(problems))


def read_safetensors(path, expected: Mapping[str, tuple[tuple, torch.dtype]] | None = None,
                     prefix: str | None = None) -> dict[str, torch.Tensor]:
    """Load the tensors of a validated safetensors file onto the CPU.

    Args:
        path: The file.
        expected: name -> (shape, dtype) the caller needs; checked before any data is read.
        prefix: Read only tensors whose name starts with it (``expected`` names then include it).

    Returns:
        dict: name -> tensor.
    """
    from safetensors import safe_open

    header, _, _ = read_safetensors_header(path)
    names = [k for k in header if prefix is None or k.startswith(prefix)]
    if expected is not None:
        check_tensors(path, {k: header[k] for k in names}, expected)
    try:
        with safe_open(os.fspath(path), framework="pt", device="cpu") as f:
            return {name: f.get_tensor(name) for name in names}
    except Exception as exc:  # pragma: no cover - the header checks above catch what safetensors would refuse
        raise WeightsFileError(f"{path}: could not read the tensors ({type(exc).__name__}: {exc})") from exc
