"""Coordinate channels (CoordConv, Liu et al., "An intriguing failing of convolutional neural networks
and the CoordConv solution", NeurIPS 2018).

A convolution sees a window of features but not where the window is. Given the pixel coordinates as two
extra input channels, one layer can compute ``a*x + b*y + c`` with ``a, b, c`` set by the other
features, so a generator can draw a straight edge at any angle and position (a square is four such
half-planes, a triangle three) instead of assembling it from local patterns.
"""

from __future__ import annotations

from typing import Any, Callable

import torch
import torch.nn as nn

__all__ = ["AddCoords", "with_coords", "pixel_coordinates"]


def _pixel_centres(size: int, device: Any = None, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """The centres of ``size`` pixels on [-1, 1]: ``-1 + 1/size`` to ``1 - 1/size`` (size,)."""
    return (torch.arange(size, device=device, dtype=dtype) * 2 + 1) / size - 1


class AddCoords(nn.Module):
    """Append the x and y coordinate of every pixel as two channels.

    ``x`` grows left to right and ``y`` top to bottom, both over the pixel centres from ``-1 + 1/W`` to
    ``1 - 1/W`` (``-1 + 1/H`` to ``1 - 1/H``), so they are symmetric about 0 at any size. No parameters.

    Shapes: (N, C, H, W) float -> (N, C + 2, H, W), the same dtype, device and memory format; channel
    ``C`` is x, channel ``C + 1`` is y.
    """

    #: Channels this layer appends (add it to the next layer's ``in_channels``).
    extra_channels = 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` (N, C, H, W) with its coordinate channels appended: (N, C + 2, H, W)."""
        if x.dim() != 4:
            raise ValueError(f"AddCoords expects (N, C, H, W) feature maps, got shape {tuple(x.shape)}")
        n, _, h, w = x.shape
        xs, ys = _pixel_centres(w, x.device, x.dtype), _pixel_centres(h, x.device, x.dtype)
        grid = torch.stack([xs.expand(h, w), ys[:, None].expand(h, w)]).expand(n, 2, h, w)
        out = torch.cat([x, grid], dim=1)
        if x.is_contiguous(memory_format=torch.channels_last) and not x.is_contiguous():
            out = out.contiguous(memory_format=torch.channels_last)
        return out


def with_coords(coords: bool, layer: Callable[..., nn.Module], in_channels: int, *args: Any,
                **kwargs: Any) -> list[nn.Module]:
    """The layers of one convolution, with or without coordinate channels before it.

    Returns:
        list: ``[layer(in_channels, *args, **kwargs)]``, or with ``coords``
        ``[AddCoords(), layer(in_channels + 2, *args, **kwargs)]``.
    """
    if not coords:
        return [layer(in_channels, *args, **kwargs)]
    return [AddCoords(), layer(in_channels + AddCoords.extra_channels, *args, **kwargs)]


def pixel_coordinates(resolution: int, radial: bool = False) -> torch.Tensor:
    """The coordinates of every pixel of a ``resolution`` x ``resolution`` image, one row per pixel in
    row-major order: (R*R, 2) ``(x, y)``, or (R*R, 3) ``(x, y, x^2 + y^2)`` with ``radial``.

    ``x`` and ``y`` are the pixel centres from ``-1 + 1/R`` to ``1 - 1/R``, as in :class:`AddCoords`; float32.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, int) or resolution < 1:
        raise ValueError(f"resolution must be a positive int, got {resolution!r}")
    t = _pixel_centres(resolution)
    ys, xs = torch.meshgrid(t, t, indexing="ij")
    columns = [xs.flatten(), ys.flatten()]
    if radial:
        columns.append(columns[0] ** 2 + columns[1] ** 2)
    return torch.stack(columns, dim=1)
