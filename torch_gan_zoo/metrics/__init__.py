"""GAN evaluation metrics that agree with the reference implementations.

FID, Inception Score, KID and precision / recall / density / coverage from any input (a generator,
a callable, a Dataset or DataLoader, a dataset name, a folder, a tensor, a statistics file) in one
call, computed with the TF 2015-12-05 Inception-v3 under a named preprocessing protocol. See
:mod:`torch_gan_zoo.metrics.api` for the options and ``docs/evaluating.rst`` for the protocol.
"""
from torch_gan_zoo.metrics.api import (
    METRICS,
    OPTIONS,
    compute_fid,
    compute_is,
    compute_kid,
    compute_metrics,
    compute_prdc,
    compute_statistics,
    extract_features,
)
from torch_gan_zoo.metrics.fid import (
    FIDStatistics,
    StreamingMoments,
    fid_from_statistics,
    frechet_distance,
    trace_sqrt_product,
)
from torch_gan_zoo.metrics.inception import FIDInceptionV3, TorchScriptPool3, load_inception_file
from torch_gan_zoo.metrics.inception_score import inception_score
from torch_gan_zoo.metrics.kid import kernel_inception_distance
from torch_gan_zoo.metrics.preprocess import PROTOCOLS, quantize_to_uint8, tf1_bilinear_resize, to_inception_input
from torch_gan_zoo.metrics.prdc import prdc
from torch_gan_zoo.metrics.results import Score
from torch_gan_zoo.metrics.weights import DEFAULT_WEIGHTS_SHA256, DEFAULT_WEIGHTS_URL, get_inception

__all__ = [
    "compute_fid",
    "compute_is",
    "compute_kid",
    "compute_prdc",
    "compute_metrics",
    "compute_statistics",
    "extract_features",
    "OPTIONS",
    "METRICS",
    "PROTOCOLS",
    "Score",
    "FIDStatistics",
    "StreamingMoments",
    "frechet_distance",
    "fid_from_statistics",
    "trace_sqrt_product",
    "inception_score",
    "kernel_inception_distance",
    "prdc",
    "FIDInceptionV3",
    "TorchScriptPool3",
    "load_inception_file",
    "get_inception",
    "quantize_to_uint8",
    "tf1_bilinear_resize",
    "to_inception_input",
    "DEFAULT_WEIGHTS_URL",
    "DEFAULT_WEIGHTS_SHA256",
]
