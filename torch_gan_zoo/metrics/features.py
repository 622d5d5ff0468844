"""Batched Inception feature extraction for any image source.

One pass over a source feeds every consumer a metric needs: the streaming FID moments (O(d^2)
memory), the full pool3 feature matrix (KID, PRDC) and the classifier logits (IS). Only what is
asked for is kept. The network runs under ``torch.inference_mode()``, with TF32 disabled on CUDA
(it would change features at the 1e-3 level), on channels-last input when the network is, and in
the handle's precision (float32 unless bf16 / fp16 was asked for).
"""

from __future__ import annotations
import contextlib

import torch

from torch_gan_zoo.config.validation import check_positive_int
from torch_gan_zoo.metrics.fid import StreamingMoments
from torch_gan_zoo.metrics.inception import NUM_LOGITS, POOL3_DIM
from torch_gan_zoo.metrics.preprocess import to_inception_input

__all__ = ["ExtractedFeatures", "run_extraction"]


class ExtractedFeatures:
    """What one pass produced.

    Attributes:
        count (int): Images seen.
        moments (StreamingMoments or None): Mean / covariance accumulator of pool3 features.
        pool3 (Tensor or None): float32 ``(count, 2048)`` on the CPU, if kept.
        logits (Tensor or None): float32 ``(count, 1008)`` on the CPU (classifier without bias), if kept.
    """

    def __init__(self, count: int, moments: StreamingMoments | None = None, pool3: torch.Tensor | None = None,
                 logits: torch.Tensor | None = None) -> None:
        self.count = count
        self.moments = moments
        self.pool3 = pool3
        self.logits = logits


class _Rows:
    """Collects float32 ``(B, dim)`` rows on the CPU, into one preallocated tensor when the total is
    known (so 50k x 2048 features are not held twice by a final ``torch.cat``)."""

    def __init__(self, total, dim):
        self.buf = torch.empty(total, dim) if total is not None else None
        self.parts = []
        self.count = 0

    def add(self, rows):
        rows = rows.float().cpu()
        n = rows.shape[0]
        if self.buf is not None and self.count + n > self.buf.shape[0]:  # more rows than announced
            self.parts, self.buf = [self.buf[: self.count]], None
        if self.buf is not None:
            self.buf[self.count:self.count + n] = rows
        else:
            self.parts.append(rows)
        self.count += n

    def result(self):
        return self.buf[: self.count] if self.buf is not None else torch.cat(self.parts)


@contextlib.contextmanager
def _exact_fp32(device):
    if device.type != "cuda":
        yield
        return
    saved = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = saved


def run_extraction(source, handle, *, protocol: str = "tf1", quantize: bool = True, batch_size: int = 50,
                   moments: bool = True, keep_pool3: bool = False, keep_logits: bool = False,
                   progress: bool = False) -> ExtractedFeatures:
    """Run every image of ``source`` through the Inception network once.

    Args:
        source (ImageSource): The images (see :func:`torch_gan_zoo.metrics.inputs.make_source`).
        handle (InceptionHandle): The network, in its precision
            (see :func:`torch_gan_zoo.metrics.weights.get_inception`).
        protocol (str): Preprocessing protocol (:mod:`torch_gan_zoo.metrics.preprocess`).
        quantize (bool): Quantise float images to uint8 first, as saving them to PNG would.
        batch_size (int): Images per network call.
        moments (bool): Accumulate the FID mean and covariance.
        keep_pool3 (bool): Keep all pool3 features. keep_logits (bool): Keep all logits.
        progress (bool): Show a tqdm progress bar.

    Returns:
        ExtractedFeatures
    """
    check_positive_int("batch_size", batch_size)
    if keep_logits and not handle.has_logits:
        raise ValueError(f"the Inception weights {handle.path} have no classifier (logits) layer, so the Inception "
                         f"Score cannot be computed with them (they still serve FID, KID and PRDC); use a state dict "
                         f"with the fc layer, such as the default pytorch-fid weights")
    device = handle.device
    acc = StreamingMoments(POOL3_DIM, device=device) if moments else None
    pools = _Rows(source.num_samples, POOL3_DIM) if keep_pool3 else None
    logits = _Rows(source.num_samples, NUM_LOGITS) if keep_logits else None
    count = 0
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=source.num_samples, desc=f"Inception features: {source.description}", unit="img")
    try:
        with torch.inference_mode(), _exact_fp32(device):
            for batch in source.batches(batch_size, quantize):
                x = to_inception_input(batch.to(device), protocol)
                feats = handle.features(x)  # float32 (B, 2048): both network kinds check their output shape
                if not torch.isfinite(feats).all():
                    raise ValueError(f"{source.description}: the Inception features contain NaN or infinite values "
                                     f"(broken Inception weights?)")
                if acc is not None:
                    acc.update(feats)
                if pools is not None:
                    pools.add(feats)
                if logits is not None:
                    logits.add(handle.net.logits(feats))
                count += batch.shape[0]
                if bar is not None:
                    bar.update(batch.shape[0])
    finally:
        if bar is not None:
            bar.close()
    return ExtractedFeatures(
        count,
        moments=acc,
        pool3=pools.result() if pools is not None else None,
        logits=logits.result() if logits is not None else None,
    )
