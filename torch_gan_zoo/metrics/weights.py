"""Which Inception weights the metrics use, and loading them once per process.

Resolution order:

1. the ``inception_weights=PATH`` keyword of every ``compute_*`` function;
2. the environment variable ``TORCH_GAN_ZOO_INCEPTION_WEIGHTS=PATH``;
3. pytorch-fid's ``pt_inception-2015-12-05-6726825d.pth`` (the TF 2015-12-05 graph's weights),
   downloaded once into ``<cache dir>/inception/`` by :func:`torch_gan_zoo.hub.cached_download`
   and verified against its full SHA-256 (:data:`DEFAULT_WEIGHTS_SHA256`).

PATH may be a state dict in pytorch-fid's layout (with or without the ``fc`` classifier) or a
TorchScript pool3 extractor (no logits: no Inception Score). The SHA-256 of the weights file is
recorded next to every score and is part of the statistics-cache key.
"""

from __future__ import annotations

import torch.nn as nn

import os
import threading

import torch

from torch_gan_zoo import hub
from torch_gan_zoo.metrics.inception import FIDInceptionV3, load_inception_file
from torch_gan_zoo.utils.cpu import BF16_EMULATED_HINT, cpu_bf16_is_native, cpu_capability

__all__ = ["DEFAULT_WEIGHTS_URL", "DEFAULT_WEIGHTS_FILENAME", "DEFAULT_WEIGHTS_SHA256", "ENV_WEIGHTS",
           "PRECISIONS", "resolve_precision", "resolve_weights_path", "InceptionHandle", "get_inception"]

DEFAULT_WEIGHTS_URL = ("https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/"
                       "pt_inception-2015-12-05-6726825d.pth")
DEFAULT_WEIGHTS_FILENAME = "pt_inception-2015-12-05-6726825d.pth"
# Full SHA-256 of pytorch-fid's weight file (95,628,359 bytes). pytorch-fid itself never checks it;
# its file name carries the first 8 hex digits (torch.hub's convention), which this digest matches.
# The full digest could not be computed here (no internet where this was written): it is the value
# that several public projects pin for this URL, and also the one they record for torch-fidelity's
# weights-inception-2015-12-05-6726825d.pth (the two releases are the same bytes).
DEFAULT_WEIGHTS_SHA256 = "6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2"
ENV_WEIGHTS = "TORCH_GAN_ZOO_INCEPTION_WEIGHTS"
_HINT = f"pass inception_weights=PATH or set {ENV_WEIGHTS}=PATH"

#: Number formats the Inception network can run in: ``'fp32'`` (default, agrees with pytorch-fid and
#: torch-fidelity to ~1e-6), ``'bf16'`` (CPU and CUDA) and ``'fp16'`` (CUDA only): the convolutions
#: run under ``torch.autocast`` in that format, with the weights cast once; pool3 features, moments and
#: distances stay float32.
PRECISIONS = ("fp32", "bf16", "fp16")
_PRECISION_ALIASES = {"fp32": "fp32", "float32": "fp32", "float": "fp32", "bf16": "bf16", "bfloat16": "bf16",
                      "fp16": "fp16", "float16": "fp16", "half": "fp16"}
_DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


def resolve_precision(precision: str, device="cpu") -> str:
    """Canonical precision name (``'fp32'``, ``'bf16'`` or ``'fp16'``) for running on ``device``.

    Raises:
        ValueError: Unknown name, ``'fp16'`` on a CPU (use ``'bf16'`` there), or ``'bf16'`` on a CPU
            without native bf16 (see :func:`torch_gan_zoo.utils.cpu.cpu_bf16_is_native`): oneDNN's fused
            convolution refuses it there, and an emulated path would be many times slower than ``'fp32'``,
            the opposite of what the option is for.
    """
    key = precision.strip().lower() if isinstance(precision, str) else precision
    if key not in _PRECISION_ALIASES:
        raise ValueError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
    name = _PRECISION_ALIASES[key]
    kind = torch.device(device).type
    if name == "fp16" and kind != "cuda":
        bf16 = kind == "cpu" and cpu_bf16_is_native()
        advice = "precision='bf16' on the CPU, or 'fp32'" if bf16 else "precision='fp32'"
        raise ValueError(f"precision 'fp16' is offered on CUDA only (device {device}); use {advice}")
    if name == "bf16" and kind == "cpu" and not cpu_bf16_is_native():
        raise ValueError(f"precision 'bf16' is not offered on this CPU: "
                         f"{BF16_EMULATED_HINT.format(capability=cpu_capability())}; use precision='fp32'")
    return name


def resolve_weights_path(inception_weights: str | os.PathLike[str] | None = None, progress: bool = True) -> str:
    """Path of the Inception weights to use: keyword > environment variable > cached default download.

    Raises:
        FileNotFoundError: An explicitly given path does not exist.
        torch_gan_zoo.hub.DownloadError: The default weights are not cached and cannot be downloaded.
    """
    for path, origin in ((inception_weights, "inception_weights="), (os.environ.get(ENV_WEIGHTS), ENV_WEIGHTS)):
        if path:
            path = os.path.abspath(os.path.expanduser(os.fspath(path)))
            if not os.path.isfile(path):
                raise FileNotFoundError(f"Inception weights file given by {origin} not found: {path}")
            return path
    return hub.cached_download(DEFAULT_WEIGHTS_URL, DEFAULT_WEIGHTS_FILENAME, sha256=DEFAULT_WEIGHTS_SHA256,
                               subdir="inception", progress=progress, hint=_HINT)


def _fold_batchnorm(net):
    """Fold each eval-mode BatchNorm into the preceding bias-free convolution (same function, fewer passes)."""
    return net.fold_batchnorm()


class InceptionHandle:
    """A loaded Inception network plus what identifies it.

    Attributes:
        net (nn.Module): float ``(N, 3, 299, 299)`` in ``[-1, 1]`` -> pool3 float ``(N, 2048)``;
            ``net.logits(pool3)`` -> ``(N, 1008)`` when ``has_logits``.
        path (str): The weights file. sha256 (str): Its SHA-256.
        kind (str): ``'state_dict'`` or ``'torchscript'``. has_logits (bool): IS is possible.
        device (torch.device). channels_last (bool): Inputs should be channels-last.
        precision (str): ``'fp32'``, ``'bf16'`` or ``'fp16'`` (see :data:`PRECISIONS`).
    """

    def __init__(self, net: nn.Module, path: str, sha256: str | None, kind: str, device: torch.device,
                 channels_last: bool, precision: str = "fp32") -> None:
        self.net = net
        self.path = path
        self.sha256 = sha256
        self.kind = kind
        self.has_logits = bool(net.has_logits)
        self.device = device
        self.channels_last = channels_last
        self.precision = precision

    @property
    def dtype(self) -> torch.dtype:
        """The number format the network computes in."""
        return _DTYPES[self.precision]

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Pool3 features of preprocessed input: float ``(N, 3, 299, 299)`` in ``[-1, 1]`` on ``device``
        -> float32 ``(N, 2048)``, computed in this handle's precision (and memory format)."""
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        if self.precision == "fp32":
            return self.net(x)
        if self.kind == "state_dict":
            x = x.to(self.dtype)  # its weights are already in this format
        with torch.autocast(self.device.type, dtype=self.dtype):
            return self.net(x).float()

    def __repr__(self):
        return (f"InceptionHandle({self.path!r}, sha256={self.sha256[:12]}..., kind={self.kind}, device={self.device}, "
                f"precision={self.precision})")


_cache = {}
_hash_cache = {}
_lock = threading.Lock()


def _file_sha256(path):
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    if key not in _hash_cache:
        _hash_cache[key] = hub.sha256_file(path)
    return _hash_cache[key]


def get_inception(inception_weights: str | os.PathLike[str] | None = None, device: str | torch.device = "cpu",
                  fast: bool = True, progress: bool = True, precision: str = "fp32") -> InceptionHandle:
    """Load (once per process, per file, device and precision) the Inception network for the metrics.

    Args:
        inception_weights (str, optional): Weights file; see the module docstring for the default.
        device: Device to run on.
        fast (bool): Fold batch norm into the convolutions and use channels-last memory on the
            network (about 2x faster on CPU; features change by ~1e-6 relative, far below what
            moves a score). ``False`` runs the network exactly as pytorch-fid and torch-fidelity do.
        progress (bool): Progress bar if the default weights must be downloaded.
        precision (str): ``'fp32'`` (default), ``'bf16'`` or ``'fp16'`` (CUDA); see :data:`PRECISIONS`.

    Returns:
        InceptionHandle
    """
    path = resolve_weights_path(inception_weights, progress=progress)
    device = torch.device(device)
    precision = resolve_precision(precision, device)
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns, str(device), bool(fast), precision)
    with _lock:
        if key in _cache:
            return _cache[key]
        sha256 = _file_sha256(path)
        net = load_inception_file(path)
        kind = "state_dict" if isinstance(net, FIDInceptionV3) else "torchscript"
        channels_last = bool(fast) and kind == "state_dict"
        if channels_last:
            net = _fold_batchnorm(net).to(memory_format=torch.channels_last)
        net = net.to(device).eval().requires_grad_(False)
        if precision != "fp32" and kind == "state_dict":
            # cast the weights once (autocast would cast them again on every call); the classifier stays float32
            net = net.to(_DTYPES[precision])
            if net.fc is not None:
                net.fc.float()
        handle = InceptionHandle(net, path, sha256, kind, device, channels_last, precision)
        if len(_cache) >= 2:  # keep at most two networks (~100 MB each) alive
            _cache.pop(next(iter(_cache)))
        _cache[key] = handle
        return handle
