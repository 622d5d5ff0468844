"""Metrics on a real GPU (``pytest -m cuda``; skipped without CUDA): the FID of the same images on the GPU
equals the CPU value (fp32, random-weight Inception, nothing downloaded), directly and through the
training Evaluator; the fp16 / bf16 differences are reported."""
import torch
import torch.nn as nn

from torch_gan_zoo.metrics import compute_fid
from torch_gan_zoo.training import Evaluator
from torch_gan_zoo.training.distributed import DistributedContext
from helpers.cuda import CUDA_MARKS, DEVICE, report
from helpers.metrics import smooth_images

pytestmark = CUDA_MARKS

N = 100


class ReplayGenerator(nn.Module):
    """``generate_images(num_images, device=None)``: the next ``num_images`` of a fixed image tensor
    (N, 3, 32, 32) in [-1, 1], so the Evaluator sees the same images on every device."""

    def __init__(self, images):
        super().__init__()
        self.images = images
        self.position = 0

    def generate_images(self, num_images, device=None):
        out = self.images[self.position:self.position + num_images]
        self.position += num_images
        return out.to(device)


def _relative(a, b):
    return abs(a - b) / abs(b)


def test_fid_on_gpu_equals_cpu_in_fp32_and_reports_reduced_precision(inception):
    real, fake = smooth_images(N, seed=1), smooth_images(N, seed=2, noise=0.5)
    cpu = float(compute_fid(real, fake, inception_weights=inception, device="cpu", batch_size=50))
    values = {"reference_cpu_fp32": cpu}
    for precision in ("fp32", "bf16", "fp16"):
        if precision == "fp16" and DEVICE != "cuda":
            continue
        values[f"{DEVICE}_{precision}"] = float(compute_fid(real, fake, inception_weights=inception, device=DEVICE,
                                                            batch_size=50, precision=precision))
    differences = {k: _relative(v, cpu) for k, v in values.items() if k != "reference_cpu_fp32"}
    report("fid_gpu_vs_cpu", {"fid": values, "relative_difference_vs_cpu_fp32": differences, "images": N})
    assert cpu > 0 and all(v == v for v in values.values())
    assert differences[f"{DEVICE}_fp32"] < 1e-3, differences


def test_evaluator_fid_on_gpu_equals_cpu(inception):
    real, fake = smooth_images(N, seed=3), smooth_images(N, seed=4, noise=0.5)
    values = {}
    for device in ("cpu", DEVICE):
        evaluator = Evaluator(real, every=1, num_samples=N, batch_size=25, inception_weights=inception)
        context = DistributedContext(device=torch.device(device))
        values[device] = evaluator.evaluate(ReplayGenerator(fake), context, device)["fid"]
    difference = _relative(values[DEVICE], values["cpu"])
    report("evaluator_fid_gpu_vs_cpu", {"fid": values, "relative_difference": difference})
    assert difference < 1e-3, values
