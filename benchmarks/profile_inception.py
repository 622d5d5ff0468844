"""Where the Inception feature extraction's CPU time goes, and how close it is to the machine's peak.

Four measurements, each recorded in one JSON report (issue 12, "Evaluation speed"):

1. ``peak``: the CPU's matrix-multiply rate on one thread (2048 x 2048, fp32 and bf16), timed in
   thread CPU time, so other jobs on a shared machine do not count.
2. ``network``: multiply-adds per 299 px image, and our network's images per CPU second on one thread
   (fp32 and bf16, batches of 8), hence the fraction of the matmul peak the convolutions reach.
   Two cores can never beat ``2 x peak / (2 x MACs)`` images per second, whatever the threading.
3. ``profile``: the top operations (torch.profiler self time, one thread, fp32).
4. ``workers``: ``run_extraction`` with single-threaded workers (the default on the CPU) against one
   network call per batch on intra-op threads (``workers=1``, the previous default), alternating
   unit by unit on the same images; the median paired time ratio is what a shared machine can show.

The images are Fashion-MNIST test images (28 px, grayscale) when the IDX files exist, else random
28 px images; the weights are the real ones (``--weights``) or random with ``--random``.

Usage::

    python benchmarks/profile_inception.py [--threads 2] [--num 200] [--random] [--json OUT] [--precisions fp32]
"""
import argparse
import gzip
import os
import statistics
import sys
import tempfile
import time

import numpy as np
import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "benchmarks"))

from _env import environment  # noqa: E402

from torch_gan_zoo.metrics.api import _parse_options, _source  # noqa: E402
from torch_gan_zoo.metrics.features import run_extraction  # noqa: E402
from torch_gan_zoo.metrics.inception import FIDInceptionV3  # noqa: E402
from torch_gan_zoo.metrics.preprocess import to_inception_input  # noqa: E402
from torch_gan_zoo.metrics.weights import get_inception  # noqa: E402

ASSETS = os.path.expanduser("~/.cache/tgz-assets")
FMNIST_TEST = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"


def load_images(n):
    """uint8 ``(n, 1, 28, 28)``: Fashion-MNIST test images, or random ones without the IDX file."""
    if os.path.isfile(FMNIST_TEST):
        with gzip.open(FMNIST_TEST, "rb") as f:
            data = f.read()
        return torch.from_numpy(np.frombuffer(data[16:], dtype=np.uint8).reshape(-1, 1, 28, 28)[:n].copy())
    return torch.randint(0, 256, (n, 1, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))


def single_thread(fn, repeats=3):
    """Best thread-CPU seconds of ``fn()`` on one thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        fn()
        best = float("inf")
        for _ in range(repeats):
            start = time.thread_time()
            fn()
            best = min(best, time.thread_time() - start)
        return best
    finally:
        torch.set_num_threads(threads)


DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}


def matmul_peak(precisions=tuple(DTYPES)):
    """GFLOP/s of a 2048 x 2048 matmul on one thread, per dtype in ``precisions``."""
    out = {}
    for name in precisions:
        dtype = DTYPES[name]
        a, b = torch.randn(2048, 2048).to(dtype), torch.randn(2048, 2048).to(dtype)
        seconds = single_thread(lambda a=a, b=b: [a @ b for _ in range(4)])
        out[f"{name}_gflops_per_core"] = 4 * 2 * 2048 ** 3 / seconds / 1e9
    return out


def macs_per_image():
    net, macs = FIDInceptionV3(with_logits=False), []

    def hook(module, inputs, output):
        kh, kw = module.kernel_size
        macs.append(output.shape[2] * output.shape[3] * module.out_channels * module.in_channels * kh * kw)

    for m in net.modules():
        if isinstance(m, torch.nn.Conv2d):
            m.register_forward_hook(hook)
    with torch.inference_mode():
        net(torch.zeros(1, 3, 299, 299))
    return sum(macs)


def network_rate(weights, images, peak, macs, precisions=tuple(DTYPES)):
    out = {"macs_per_image": macs}
    batch = images[:8]
    for precision in precisions:
        handle = get_inception(weights, "cpu", precision=precision)
        with torch.inference_mode():
            seconds = single_thread(lambda h=handle: h.features(to_inception_input(batch)))
        rate = batch.shape[0] / seconds
        out[precision] = {"images_per_cpu_second": rate,
                          "fraction_of_matmul_peak": rate * 2 * macs / 1e9 / peak[f"{precision}_gflops_per_core"],
                          "two_core_bound_images_per_s": 2 * rate,
                          "two_core_bound_10k_s": 10000 / (2 * rate)}
    return out


def op_profile(weights, images, top=12):
    from torch.profiler import ProfilerActivity, profile

    handle = get_inception(weights, "cpu")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.inference_mode():
            handle.features(to_inception_input(images[:8]))
            with profile(activities=[ProfilerActivity.CPU]) as prof:
                for i in range(0, 16, 8):
                    handle.features(to_inception_input(images[i:i + 8]))
    finally:
        torch.set_num_threads(threads)
    events = prof.key_averages()
    total = sum(e.self_cpu_time_total for e in events)
    rows = sorted(events, key=lambda e: -e.self_cpu_time_total)[:top]
    return {e.key: round(e.self_cpu_time_total / total, 4) for e in rows}


def workers_vs_intra_op(weights, images, unit=50):
    handle = get_inception(weights, "cpu")
    opts = _parse_options({"inception_weights": weights, "device": "cpu"}, "profile")
    variants = {"workers (default)": None, "intra-op threads (workers=1)": 1}
    times = {k: [] for k in variants}

    def run(batch, workers):
        return run_extraction(_source(batch, "input", opts, None), handle, batch_size=50, keep_pool3=True,
                              workers=workers).pool3

    first = {k: run(images[:unit], w) for k, w in variants.items()}  # warm-up, and the features agree
    a, b = first.values()
    max_rel = ((a - b).abs().max() / b.abs().max()).item()
    for j, start in enumerate(range(0, images.shape[0], unit)):
        names = list(variants)[j % 2:] + list(variants)[:j % 2]
        for name in names:
            t0 = time.perf_counter()
            run(images[start:start + unit], variants[name])
            times[name].append((time.perf_counter() - t0) / images[start:start + unit].shape[0])
    w, i = times["workers (default)"], times["intra-op threads (workers=1)"]
    return {"threads": torch.get_num_threads(), "unit_images": unit,
            "images_per_s": {k: 1 / statistics.median(v) for k, v in times.items()},
            "median_paired_time_ratio_workers_over_intra_op": statistics.median(x / y for x, y in zip(w, i)),
            "max_relative_feature_difference": max_rel, "load_average": list(os.getloadavg())}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", default=os.path.join(ASSETS, "pt_inception-2015-12-05-pool3only.pth"))
    parser.add_argument("--random", action="store_true", help="random weights (no real assets needed)")
    parser.add_argument("--num", type=int, default=200, help="images for the workers comparison")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", help="default benchmarks/results/profile_inception_<threads>threads.json")
    parser.add_argument("--precisions", default="fp32,bf16",
                        help="comma-separated; 'fp32' alone on a CPU without native bf16 (AVX2), where bf16 is "
                             "emulated and one 2048 x 2048 bf16 matmul takes minutes")
    args = parser.parse_args()
    precisions = [p for p in args.precisions.split(",") if p]
    unknown = sorted(set(precisions) - set(DTYPES))
    if unknown or not precisions:
        parser.error(f"--precisions: expected some of {sorted(DTYPES)}, got {args.precisions!r}")
    torch.set_num_threads(args.threads)
    images = load_images(max(args.num, 16))
    with tempfile.TemporaryDirectory() as tmp:
        weights = args.weights
        if args.random:
            weights = os.path.join(tmp, "random_inception.pth")
            torch.manual_seed(0)
            torch.save(FIDInceptionV3(with_logits=False).state_dict(), weights)
        report = {"environment": environment(), "weights": os.path.basename(weights)}
        report["peak"] = peak = matmul_peak(precisions)
        print("peak", peak, flush=True)
        report["network"] = network_rate(weights, images, peak, macs_per_image(), precisions)
        print("network", report["network"], flush=True)
        report["profile_top_ops_fp32_1thread"] = op_profile(weights, images)
        print("profile", report["profile_top_ops_fp32_1thread"], flush=True)
        report["workers"] = workers_vs_intra_op(weights, images[:args.num])
        print("workers", report["workers"], flush=True)
    report["environment"]["load_average_end"] = list(os.getloadavg())
    path = args.json or os.path.join(REPO, "benchmarks", "results", f"profile_inception_{args.threads}threads.json")
    from torch_gan_zoo.utils.io import atomic_write_json

    atomic_write_json(path, report)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
