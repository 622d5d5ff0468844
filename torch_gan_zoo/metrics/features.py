"""Batched Inception feature extraction for any image source.

One pass over a source feeds every consumer a metric needs: the streaming FID moments (O(d^2)
memory), the full pool3 feature matrix (KID, PRDC) and the classifier logits (IS). Only what is
asked for is kept. The network runs under ``torch.inference_mode()``, with TF32 disabled on CUDA
(it would change features at the 1e-3 level), on channels-last input when the network is, and in
the handle's precision (float32 unless bf16 / fp16 was asked for).

On the CPU with more than one torch thread, the batches for our Inception network (weights from a
state dict, not TorchScript) are split across that many worker threads
that each run the network single-threaded on their own slice (preprocessing included), instead of
one network call whose every operation is split across the threads: the same total number of
threads, but no synchronisation between them inside each of the ~200 operations of a forward pass.
The features are the same (each image's features do not depend on what else is in its batch) and
the moments are updated in the source's order, so the result does not depend on the number of
workers.
"""

from __future__ import annotations
import collections
import contextlib
from concurrent.futures import ThreadPoolExecutor

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


#: Most images one worker thread runs through the network at once. Small slices keep the workers
#: evenly loaded (a batch of 50 on 2 workers runs as 8 slices of 6 or 7); 4-16 measured alike.
_MAX_SLICE = 8


def _auto_workers(handle, workers):
    if workers is not None:
        check_positive_int("workers", workers)
        return workers
    # only our own network, whose features are known not to depend on the batch (a TorchScript
    # extractor may round differently on slices of another size)
    return torch.get_num_threads() if handle.device.type == "cpu" and handle.kind == "state_dict" else 1


def _single_threaded():
    torch.set_num_threads(1)


def _batch_features(images, handle, protocol):
    # the calling thread's batches and the workers' slices alike (inference mode is per thread)
    with torch.inference_mode():
        return handle.features(to_inception_input(images.to(handle.device), protocol))


class _SlicedRunner:
    """Runs each batch as slices on a pool of single-threaded workers, up to two batches in flight."""

    def __init__(self, handle, protocol, workers):
        self.handle, self.protocol, self.workers = handle, protocol, workers
        self.pending = collections.deque()
        self.threads = torch.get_num_threads()  # also pins this thread's own count before the workers set theirs
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="inception", initializer=_single_threaded)

    def submit(self, batch):
        """Queue one batch; returns the features of the oldest one once two are in flight, else None."""
        n = batch.shape[0]
        slices = -(-n // _MAX_SLICE)
        slices = min(n, -(-slices // self.workers) * self.workers)  # a multiple of the workers, for an even load
        self.pending.append([self.pool.submit(_batch_features, part, self.handle, self.protocol)
                             for part in batch.tensor_split(slices)])  # sizes differ by at most one
        return self.next() if len(self.pending) > 1 else None

    def next(self):
        """Features (float32 ``(B, 2048)``) of the oldest batch in flight, or None when none is."""
        if not self.pending:
            return None
        return torch.cat([f.result() for f in self.pending.popleft()])

    def close(self):
        for futures in self.pending:
            for f in futures:
                f.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)
        torch.set_num_threads(self.threads)  # a worker's set_num_threads(1) also changed the process default


def run_extraction(source, handle, *, protocol: str = "tf1", quantize: bool = True, batch_size: int = 50,
                   moments: bool = True, keep_pool3: bool = False, keep_logits: bool = False,
                   progress: bool = False, workers: int | None = None) -> ExtractedFeatures:
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
        workers (int, optional): Single-threaded worker threads that share each batch (see the module
            docstring); default: ``torch.get_num_threads()`` for a state-dict network on the CPU, else 1
            (no workers). The features of our network do not depend on it.

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

    def consume(feats):  # float32 (B, 2048): both network kinds check their output shape
        nonlocal count
        if not torch.isfinite(feats).all():
            raise ValueError(f"{source.description}: the Inception features contain NaN or infinite values "
                             f"(broken Inception weights?)")
        if acc is not None:
            acc.update(feats)
        if pools is not None:
            pools.add(feats)
        if logits is not None:
            logits.add(handle.net.logits(feats))
        count += feats.shape[0]
        if bar is not None:
            bar.update(feats.shape[0])

    workers = _auto_workers(handle, workers)
    runner = _SlicedRunner(handle, protocol, workers) if workers > 1 else None
    try:
        with torch.inference_mode(), _exact_fp32(device):
            for batch in source.batches(batch_size, quantize):
                if runner is None:
                    consume(_batch_features(batch, handle, protocol))
                    continue
                feats = runner.submit(batch)
                if feats is not None:
                    consume(feats)
            while runner is not None and (feats := runner.next()) is not None:
                consume(feats)
    finally:
        if runner is not None:
            runner.close()
        if bar is not None:
            bar.close()
    return ExtractedFeatures(
        count,
        moments=acc,
        pool3=pools.result() if pools is not None else None,
        logits=logits.result() if logits is not None else None,
    )
