"""Turning images into Inception input: the preprocessing *protocols* of the reference implementations.

A protocol fixes everything between an image and the network input (after the image has been
quantised to uint8, see :func:`quantize_to_uint8`): the resize to 299x299 and the normalisation to
``[-1, 1]``. The published implementations disagree, and the difference moves FID by ~1-2 %, so a
score is only comparable with scores computed under the same protocol:

``'tf1'`` (default)
    The original TensorFlow FID / IS code (TTUR, improved-gan) and torch-fidelity: TensorFlow 1.x's
    bilinear resize (``align_corners=False``, no half-pixel centres), reproduced exactly, on the
    0..255 values, then ``(x - 128) / 128``.
``'pytorch-fid'``
    pytorch-fid: ``x / 255``, ``torch.nn.functional.interpolate(mode='bilinear', align_corners=False)``
    to 299, then ``2 x - 1``.
``'clean-fid'``
    clean-fid's "clean" mode: each channel resized with PIL's bicubic filter in float mode, clipped
    to ``[0, 255]``, then ``(x - 128) / 128``. Per-image PIL calls: slow.

Grayscale images (1 channel) are repeated to 3 channels first, as every reference does.
"""

from __future__ import annotations
import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["PROTOCOLS", "resolve_protocol", "quantize_to_uint8", "tf1_bilinear_resize", "to_inception_input",
           "INCEPTION_SIZE"]

INCEPTION_SIZE = 299
PROTOCOLS = ("tf1", "pytorch-fid", "clean-fid")
_ALIASES = {
    "tf1": "tf1", "tf": "tf1", "tensorflow": "tf1", "ttur": "tf1", "torch-fidelity": "tf1", "torch_fidelity": "tf1",
    "pytorch-fid": "pytorch-fid", "pytorch_fid": "pytorch-fid",
    "clean-fid": "clean-fid", "clean_fid": "clean-fid", "clean": "clean-fid", "cleanfid": "clean-fid",
}


def resolve_protocol(protocol: str) -> str:
    """Canonical protocol name (``'tf1'``, ``'pytorch-fid'`` or ``'clean-fid'``) from a name or alias."""
    key = str(protocol).strip().lower()
    if key not in _ALIASES:
        raise ValueError(f"unknown preprocessing protocol {protocol!r}; choose one of {', '.join(PROTOCOLS)}")
    return _ALIASES[key]


def quantize_to_uint8(images: torch.Tensor) -> torch.Tensor:
    """Quantise float images in ``[-1, 1]`` to uint8 exactly as saving them to PNG would.

    Same rule as ``torchvision.utils.save_image(x, normalize=True, value_range=(-1, 1))``:
    clamp, map to ``[0, 1]``, ``* 255 + 0.5``, truncate.

    Args:
        images (Tensor): float ``(N, C, H, W)`` in ``[-1, 1]``.

    Returns:
        Tensor: uint8 ``(N, C, H, W)``.
    """
    x = images.clamp(-1, 1).add(1).div_(2)
    return x.mul_(255).add_(0.5).clamp_(0, 255).to(torch.uint8)


def _tf1_axis_weights(in_size, out_size, device):
    # TF 1.x ResizeBilinear, align_corners=False, half_pixel_centers=False:
    # src = dst * (in / out) in float32; lo = floor(src); hi = min(lo + 1, in - 1).
    scale = torch.tensor(in_size / out_size, dtype=torch.float32)
    src = torch.arange(out_size, dtype=torch.float32) * scale
    lo = src.long()
    hi = (lo + 1).clamp_max(in_size - 1)
    frac = src - lo.float()
    return lo.to(device), hi.to(device), frac.to(device)


def tf1_bilinear_resize(images: torch.Tensor, size: int = INCEPTION_SIZE) -> torch.Tensor:
    """TensorFlow 1.x bilinear resize (``align_corners=False``), bit-exact on CPU.

    Args:
        images (Tensor): float ``(N, C, H, W)`` (any range).
        size (int): Output height and width.

    Returns:
        Tensor: float ``(N, C, size, size)``, same dtype as the input (a new tensor unless the
        input already has that size, in which case it is returned as is).
    """
    n, c, h, w = images.shape
    if (h, w) == (size, size):
        return images
    ylo, yhi, dy = _tf1_axis_weights(h, size, images.device)
    xlo, xhi, dx = _tf1_axis_weights(w, size, images.device)
    # TF computes top = l + (r - l) * dx on the two source rows, then top + (bottom - top) * dy.
    # Interpolating every source row along x first (on the small input) and then gathering whole
    # output rows gives the same numbers; gathering along a transposed (non-contiguous) view, as
    # before, made this the slowest step of feature extraction.
    images = images.contiguous()
    left, right = images.index_select(3, xlo), images.index_select(3, xhi)  # (N, C, H, size)
    rows = right.sub_(left).mul_(dx.to(images.dtype)).add_(left)
    top, bottom = rows.index_select(2, ylo), rows.index_select(2, yhi)  # (N, C, size, size)
    # in place: a fresh 299 x 299 tensor per operation costs more (page faults) than the arithmetic
    return bottom.sub_(top).mul_(dy.to(images.dtype).view(1, 1, size, 1)).add_(top)


def _pil_bicubic_resize(images, size):
    from PIL import Image

    out = np.empty((images.shape[0], images.shape[1], size, size), dtype=np.float32)
    arr = images.detach().cpu().numpy().astype(np.float32)
    for i in range(arr.shape[0]):
        for ch in range(arr.shape[1]):
            img = Image.fromarray(arr[i, ch], mode="F").resize((size, size), resample=Image.BICUBIC)
            out[i, ch] = np.asarray(img)
    return torch.from_numpy(out).clamp_(0, 255).to(images.device)


def to_inception_input(images: torch.Tensor, protocol: str = "tf1", size: int = INCEPTION_SIZE) -> torch.Tensor:
    """Preprocess images for the Inception network under ``protocol``.

    Args:
        images (Tensor): uint8 ``(N, C, H, W)`` with C = 1 or 3, or float ``(N, C, H, W)`` holding
            un-quantised 0..255 values (what uint8 images would be without the rounding).
        protocol (str): ``'tf1'``, ``'pytorch-fid'`` or ``'clean-fid'`` (see the module docstring).
        size (int): Output size (299 for Inception-v3).

    Returns:
        Tensor: float32 ``(N, 3, size, size)`` in ``[-1, 1]``.
    """
    protocol = resolve_protocol(protocol)
    if images.dim() != 4 or images.shape[1] not in (1, 3):
        hint = (" (it looks channels-last (N, H, W, C): use images.permute(0, 3, 1, 2))"
                if images.dim() == 4 and images.shape[-1] in (1, 3) else "")
        raise ValueError(f"expected images of shape (N, 1 or 3, H, W), got {tuple(images.shape)}{hint}")
    x = images.float()
    if protocol == "tf1":
        # grayscale: resize the one channel, then repeat it (3x less work, same numbers)
        resized = tf1_bilinear_resize(x, size)
        # (x - 128) / 128 in place when the tensor is ours (not the caller's)
        out = resized.sub_(128).div_(128) if resized is not images and resized is not x else (resized - 128) / 128
        return out.expand(-1, 3, -1, -1) if out.shape[1] == 1 else out
    if x.shape[1] == 1:
        x = x.expand(-1, 3, -1, -1)
    if protocol == "pytorch-fid":
        x = x / 255
        if x.shape[-2:] != (size, size):
            x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
        return x.mul_(2).sub_(1)
    x = _pil_bicubic_resize(x, size) if x.shape[-2:] != (size, size) else x
    return (x - 128) / 128
