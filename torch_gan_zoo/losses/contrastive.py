"""Conditional contrastive losses of the discriminator's embeddings: ContraGAN's 2C loss
(Kang & Park, 2020) and ReACGAN's data-to-data cross-entropy (D2D-CE; Kang et al., 2021).

Notation, for a batch of N samples: ``f_i`` is the discriminator's embedding of sample ``i``,
``v_i`` the embedding of its class ``y_i`` (the "proxy"), both L2-normalised here, so
``f_i^T v_i`` and ``f_i^T f_j`` are cosine similarities; ``t`` is the temperature. Both losses are
means over the batch, computed in float32 with log-sum-exp (no overflow at small temperatures), and
need no sample of the same class in the batch.
"""

from __future__ import annotations
import torch
import torch.nn.functional as F

__all__ = ["conditional_contrastive_loss", "data_to_data_cross_entropy_loss"]


def _similarities(embed, proxy, labels, temperature):
    """Check the inputs; return (data-to-data cosine matrix (N, N), data-to-proxy cosines (N,),
    same-class mask (N, N) bool, diagonal mask (N, N) bool)."""
    if embed.dim() != 2 or proxy.shape != embed.shape:
        raise ValueError(f"embed and proxy must both have shape (N, d); got {tuple(embed.shape)} and "
                         f"{tuple(proxy.shape)}")
    if labels.shape != (embed.shape[0],):
        raise ValueError(f"labels must have shape ({embed.shape[0]},), got {tuple(labels.shape)}")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    f = F.normalize(embed.float(), dim=1)
    v = F.normalize(proxy.float(), dim=1)
    eye = torch.eye(f.shape[0], dtype=torch.bool, device=f.device)
    same = labels[:, None] == labels[None, :]
    return f @ f.t(), (f * v).sum(dim=1), same, eye


def conditional_contrastive_loss(embed: torch.Tensor, proxy: torch.Tensor, labels: torch.Tensor,
                                 temperature: float = 1.0) -> torch.Tensor:
    """ContraGAN's conditional contrastive (2C) loss.

    ``l_i = -log( (exp(f_i^T v_i / t) + sum_{k != i, y_k = y_i} exp(f_i^T f_k / t))
    / (exp(f_i^T v_i / t) + sum_{k != i} exp(f_i^T f_k / t)) )``, averaged over i: it pulls each
    embedding towards its class proxy and towards the other samples of its class, away from the rest.

    Args:
        embed (Tensor): (N, d) float, the discriminator's embeddings.
        proxy (Tensor): (N, d) float, the class embeddings of ``labels``.
        labels (Tensor): (N,) long class labels.
        temperature (float): ``t`` > 0 (ContraGAN: 1.0).

    Returns:
        Tensor: float32 scalar >= 0.
    """
    sim, to_proxy, same, eye = _similarities(embed, proxy, labels, temperature)
    sim, to_proxy = sim / temperature, to_proxy[:, None] / temperature
    log_positives = torch.logsumexp(torch.cat([to_proxy, sim.masked_fill(~same | eye, float("-inf"))], 1), 1)
    log_all = torch.logsumexp(torch.cat([to_proxy, sim.masked_fill(eye, float("-inf"))], 1), 1)
    return (log_all - log_positives).mean()


def data_to_data_cross_entropy_loss(embed: torch.Tensor, proxy: torch.Tensor, labels: torch.Tensor,
                                    temperature: float = 0.5, pos_margin: float = 0.98,
                                    neg_margin: float = 0.02) -> torch.Tensor:
    """ReACGAN's data-to-data cross-entropy (D2D-CE).

    ``l_i = -log( exp(p_i) / (exp(p_i) + sum_{j: y_j != y_i} exp(n_ij)) )`` averaged over i, with the
    margin-clipped similarities ``p_i = min(f_i^T v_i - m_p, 0) / t`` (a positive stops pulling once
    its similarity to its proxy exceeds ``m_p``) and ``n_ij = max(f_i^T f_j - m_n, 0) / t`` (a negative
    stops pushing once its similarity falls below ``m_n``). Samples of the same class are left out of
    the negatives ("false negative removal").

    This is the paper's formula. StudioGAN's implementation differs: for "numerical stability" it
    subtracts each row's maximum data-to-data similarity from the negatives but not from the positive
    term, which rescales the negatives by ``exp(-max)``; here the log-sum-exp is exact.

    Args:
        embed (Tensor): (N, d) float, the discriminator's embeddings.
        proxy (Tensor): (N, d) float, the class embeddings of ``labels``.
        labels (Tensor): (N,) long class labels.
        temperature (float): ``t`` > 0 (ReACGAN on CIFAR-10: 0.5).
        pos_margin (float): ``m_p`` (ReACGAN: 0.98).
        neg_margin (float): ``m_n`` (ReACGAN and StudioGAN: ``1 - m_p`` = 0.02).

    Returns:
        Tensor: float32 scalar >= 0.
    """
    sim, to_proxy, same, _ = _similarities(embed, proxy, labels, temperature)
    positive = torch.clamp(to_proxy - pos_margin, max=0.0)[:, None] / temperature
    negatives = (torch.clamp(sim - neg_margin, min=0.0) / temperature).masked_fill(same, float("-inf"))
    return (torch.logsumexp(torch.cat([positive, negatives], 1), 1) - positive[:, 0]).mean()
