"""Does reduced precision move FID? Real Fashion-MNIST, real Inception, fp32 vs bf16 (CPU) or fp16 (CUDA).

FID of ``--num`` train images vs ``--num`` test images (the IDX files of ``/usr/share/datasets/fashion-mnist``),
once with ``precision='fp32'`` and once with the reduced precision, through ``compute_fid`` (statistics
cache off). The reduced path is acceptable if the two FIDs differ by less than 0.5 %. Also reports the
images per second of each pass (the machine's load is recorded: on a busy machine the times are noisy).

Usage::

    python benchmarks/bench_precision.py [--num 10000] [--precision bf16] [--threads 2] [--json OUT]
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _env import environment  # noqa: E402

from torch_gan_zoo.metrics import compute_fid  # noqa: E402

FMNIST = "/usr/share/datasets/fashion-mnist"
ASSETS = os.path.expanduser("~/.cache/tgz-assets")


def load_idx(name: str, n: int) -> torch.Tensor:
    """The first ``n`` images of a Fashion-MNIST IDX file: uint8 ``(n, 1, 28, 28)``."""
    with gzip.open(os.path.join(FMNIST, name), "rb") as f:
        data = f.read()
    count, rows, cols = np.frombuffer(data[4:16], dtype=">i4")
    if n > count:
        raise ValueError(f"{name} has {count} images, {n} asked for")
    return torch.from_numpy(np.frombuffer(data[16:], dtype=np.uint8).reshape(count, 1, rows, cols)[:n].copy())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--num", type=int, default=10000, help="images per side")
    parser.add_argument("--precision", default=None, help="reduced precision (default: bf16 on CPU, fp16 on CUDA)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--weights", default=os.path.join(ASSETS, "pt_inception-2015-12-05-pool3only.pth"))
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--json", help="write the report here")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    reduced = args.precision or ("fp16" if torch.device(args.device).type == "cuda" else "bf16")
    train, test = load_idx("train-images-idx3-ubyte.gz", args.num), load_idx("t10k-images-idx3-ubyte.gz", args.num)
    report = {"environment": environment(), "images": f"Fashion-MNIST {args.num} train vs {args.num} test",
              "weights": os.path.basename(args.weights), "batch_size": args.batch_size, "results": {}}
    for precision in ("fp32", reduced):
        t0 = time.perf_counter()
        score = compute_fid(train, test, precision=precision, inception_weights=args.weights, device=args.device,
                            batch_size=args.batch_size, cache=False, progress=True)
        seconds = time.perf_counter() - t0
        report["results"][precision] = {"fid": float(score), "seconds": seconds,
                                        "images_per_s": 2 * args.num / seconds, "precision": score.precision}
        print(precision, report["results"][precision], flush=True)
    fp32, red = report["results"]["fp32"]["fid"], report["results"][reduced]["fid"]
    report["relative_difference"] = abs(red - fp32) / fp32
    report["acceptable (< 0.5 %)"] = report["relative_difference"] < 0.005
    report["environment"]["load_average_end"] = list(os.getloadavg())
    print(f"fp32 {fp32:.4f}  {reduced} {red:.4f}  relative difference {report['relative_difference']:.2e}")
    if args.json:
        from torch_gan_zoo.utils.io import atomic_write_json

        atomic_write_json(args.json, report)


if __name__ == "__main__":
    main()
