"""The InfoNCE loss between local and global features of InfoMax-GAN (Lee et al., WACV 2021), as in
Deep InfoMax (Hjelm et al., ICLR 2019).

For image ``i``, its global feature ``g_i`` must pick out each of its own local features ``l_{i,p}``
from the local features of every other image in the batch::

    loss = mean_{i,p} -log( exp(s(i,i,p)) / (exp(s(i,i,p)) + sum_{j != i, q} exp(s(i,j,q))) )

with scores ``s(i, j, q) = <g_i, l_{j,q}>``. (DIM's reference code keeps the ``j = i`` negatives with
a score of -10; here they are left out, which changes the partition function by at most P * e^-10.)
"""

from __future__ import annotations
import torch

__all__ = ["infonce_loss"]


def infonce_loss(local_features: torch.Tensor, global_features: torch.Tensor) -> torch.Tensor:
    """InfoNCE of global features against the local features of the same and of other images.

    Args:
        local_features: float (N, R, H, W) or (N, R, P): R-dimensional features at P = H*W positions.
        global_features: float (N, R).

    Returns:
        Tensor: float32 scalar, ``>= 0``; 0 for a batch of one image (there are no negatives).
    """
    if local_features.dim() == 4:
        local_features = local_features.flatten(2)
    if local_features.dim() != 3 or global_features.dim() != 2 or local_features.shape[:2] != global_features.shape:
        raise ValueError(f"need local features (N, R, P) or (N, R, H, W) and global features (N, R), got "
                         f"{tuple(local_features.shape)} and {tuple(global_features.shape)}")
    local_features, global_features = local_features.float(), global_features.float()
    n = global_features.shape[0]
    scores = torch.einsum("ir,jrp->ijp", global_features, local_features)  # (N, N, P)
    positive = torch.diagonal(scores, dim1=0, dim2=1).transpose(0, 1)  # (N, P): s(i, i, p)
    others = ~torch.eye(n, dtype=torch.bool, device=scores.device)[:, :, None]
    negatives = torch.where(others, scores, float("-inf")).flatten(1)  # (N, N*P)
    log_negatives = torch.logsumexp(negatives, dim=1, keepdim=True)  # (N, 1), -inf when N == 1
    return (torch.logaddexp(positive, log_negatives) - positive).mean()
