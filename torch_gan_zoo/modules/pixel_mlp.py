"""A per-pixel MLP on pixel coordinates, modulated by a style vector (a CPPN generator's body).

Every pixel is computed independently from its coordinates, as in compositional pattern-producing
networks (Stanley, 2007; as GAN generators: Ha, 2016) and CIPS (Anokhin et al., CVPR 2021), with the
per-image variation entering through a style vector ``w``:

* first layer: a hypernetwork. Each hidden unit ``j`` computes ``relu(a_j(w) . c + b_j(w))`` of the pixel's
  coordinate features ``c`` (``(x, y)``, optionally ``x^2 + y^2``), with ``a_j, b_j`` linear in ``w``. Unit
  ``j`` is a half-plane of any angle and offset (or, with the radial feature, a disc of any centre and
  radius), chosen per image: a square is four of them, a triangle three, a ring two discs.
* hidden layers: ``relu((W h) * s(w) + t(w))``, a shared linear layer with a per-image scale and shift
  (FiLM, Perez et al., 2018), which combine the half-planes into shapes;
* output: a per-image linear map of the last hidden layer to the channels (the colours), then ``tanh``.
"""
from __future__ import annotations

import torch
import torch.nn as nn

from torch_gan_zoo.config.validation import check_positive_int

__all__ = ["ModulatedPixelMLP"]


class ModulatedPixelMLP(nn.Module):
    """Per-pixel MLP ``(coordinate features, style) -> channels`` (see the module docstring).

    Args:
        style_dim (int): Length S of the style vector.
        coord_features (int): Length C of each pixel's coordinate features.
        hidden (int): Width H of the hidden layers.
        num_layers (int): FiLM-modulated hidden layers after the first (>= 0).
        out_channels (int): Channels of the output.
        gain (float): Scale of the first layer's per-image weights: edges of slope ``gain`` times the
            hypernetwork's output, so that a unit can make a sharp edge from the start.

    Shapes: coords (P, C) float, style (N, S) float -> (N, out_channels, P) in [-1, 1].
    """

    def __init__(self, style_dim: int, coord_features: int, hidden: int, num_layers: int, out_channels: int,
                 gain: float = 4.0) -> None:
        super().__init__()
        for name, value in (("style_dim", style_dim), ("coord_features", coord_features), ("hidden", hidden),
                            ("out_channels", out_channels)):
            check_positive_int(name, value)
        if isinstance(num_layers, bool) or not isinstance(num_layers, int) or num_layers < 0:
            raise ValueError(f"num_layers must be an int >= 0, got {num_layers!r}")
        if not gain > 0:
            raise ValueError(f"gain must be > 0, got {gain!r}")
        self.coord_features, self.hidden, self.out_channels, self.gain = coord_features, hidden, out_channels, gain
        self.first = nn.Linear(style_dim, hidden * (coord_features + 1))
        self.scales = nn.ModuleList(nn.Linear(style_dim, hidden) for _ in range(num_layers))
        self.shifts = nn.ModuleList(nn.Linear(style_dim, hidden) for _ in range(num_layers))
        self.weights = nn.ParameterList(nn.Parameter(torch.randn(hidden, hidden) * (2.0 / hidden) ** 0.5)
                                        for _ in range(num_layers))
        self.out = nn.Linear(style_dim, out_channels * (hidden + 1))
        for scale, shift in zip(self.scales, self.shifts):  # scale 1 at first; the shift a linear map of w, no bias
            nn.init.zeros_(scale.weight)
            nn.init.ones_(scale.bias)
            nn.init.zeros_(shift.bias)

    def forward(self, coords: torch.Tensor, style: torch.Tensor) -> torch.Tensor:
        """Outputs (N, out_channels, P) in [-1, 1] of the pixels ``coords`` (P, C) for styles ``style`` (N, S)."""
        if coords.dim() != 2 or coords.shape[1] != self.coord_features:
            raise ValueError(f"ModulatedPixelMLP expects coordinates of shape (P, {self.coord_features}), "
                             f"got {tuple(coords.shape)}")
        n = style.shape[0]
        first = self.first(style).view(n, self.hidden, self.coord_features + 1) * self.gain
        h = torch.relu(torch.einsum("pc,nhc->nph", coords.to(style.dtype), first[..., :-1]) + first[:, None, :, -1])
        for weight, scale, shift in zip(self.weights, self.scales, self.shifts):
            h = torch.relu((h @ weight.t().to(h.dtype)) * scale(style)[:, None] + shift(style)[:, None])
        out = self.out(style).view(n, self.out_channels, self.hidden + 1)
        return torch.tanh(torch.einsum("nph,nch->ncp", h, out[..., :-1]) / self.hidden ** 0.5 + out[..., -1:])
