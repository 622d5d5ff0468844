"""``torch_mimicry.modules.spectral_norm``: the layers Mimicry builds with ``SNConv2d(default=False)``.

Mimicry keeps its own spectral normalisation here: the weight stays the parameter ``weight`` and
the power-iteration state is the buffers ``sn_u`` (1, out) and ``sn_sigma`` (1,). These classes keep
that state-dict layout so such checkpoints load unchanged; the normalisation itself is
:func:`torch.nn.functional.normalize`-based power iteration, the same algorithm as
``torch.nn.utils.parametrizations.spectral_norm`` (this library's default), but with ``u`` a row
vector and sigma recomputed at every forward pass, also in eval mode, as Mimicry does.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["SpectralNorm", "SNConv2d", "SNLinear", "SNEmbedding"]


class SpectralNorm(object):
    """Mixin adding spectral normalisation to a layer with a ``weight`` parameter.

    Args:
        n_dim (int): Rows of the weight matrix (output channels/features, or embeddings).
        num_iters (int): Power iterations per forward pass.
        eps (float): Stabiliser of the normalisation.
    """

    def __init__(self, n_dim, num_iters=1, eps=1e-12):
        self.num_iters = num_iters
        self.eps = eps
        self.register_buffer("sn_u", torch.randn(1, n_dim))
        self.register_buffer("sn_sigma", torch.ones(1))

    @property
    def u(self):
        """Left singular vector estimate, float (1, n_dim)."""
        return self.sn_u

    @property
    def sigma(self):
        """Largest singular value estimate, float (1,)."""
        return self.sn_sigma

    def _power_iteration(self, W, u, num_iters, eps=1e-12):
        with torch.no_grad():
            for _ in range(num_iters):
                v = F.normalize(u @ W, eps=eps)
                u = F.normalize(v @ W.t(), eps=eps)
        sigma = u @ (W @ v.t())
        return sigma, u, v

    def sn_weights(self):
        """The weight divided by its estimated spectral norm (same shape as ``weight``); in
        training mode the estimates ``sn_u``/``sn_sigma`` are updated."""
        W = self.weight.view(self.weight.shape[0], -1)
        sigma, u, _ = self._power_iteration(W=W, u=self.u, num_iters=self.num_iters, eps=self.eps)
        if self.training:
            with torch.no_grad():
                self.sigma[:] = sigma
                self.u[:] = u
        return self.weight / sigma


class SNConv2d(nn.Conv2d, SpectralNorm):
    """``nn.Conv2d`` with Mimicry's spectral norm. Input (N, C_in, H, W)."""

    def __init__(self, in_channels, out_channels, *args, **kwargs):
        nn.Conv2d.__init__(self, in_channels, out_channels, *args, **kwargs)
        SpectralNorm.__init__(self, n_dim=out_channels, num_iters=kwargs.get("num_iters", 1))

    def forward(self, x):
        """Convolve ``x`` (N, C_in, H, W) with the normalised weight."""
        return self._conv_forward(x, self.sn_weights(), self.bias)


class SNLinear(nn.Linear, SpectralNorm):
    """``nn.Linear`` with Mimicry's spectral norm. Input (N, in_features)."""

    def __init__(self, in_features, out_features, *args, **kwargs):
        nn.Linear.__init__(self, in_features, out_features, *args, **kwargs)
        SpectralNorm.__init__(self, n_dim=out_features, num_iters=kwargs.get("num_iters", 1))

    def forward(self, x):
        """``x`` (N, in_features) -> (N, out_features)."""
        return F.linear(x, self.sn_weights(), self.bias)


class SNEmbedding(nn.Embedding, SpectralNorm):
    """``nn.Embedding`` with Mimicry's spectral norm. Input: long indices."""

    def __init__(self, num_embeddings, embedding_dim, *args, **kwargs):
        nn.Embedding.__init__(self, num_embeddings, embedding_dim, *args, **kwargs)
        SpectralNorm.__init__(self, n_dim=num_embeddings)

    def forward(self, x):
        """Look up rows of the normalised weight for indices ``x``."""
        return F.embedding(x, self.sn_weights())
