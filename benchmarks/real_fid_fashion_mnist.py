"""Real-data FID figures: Fashion-MNIST train vs test, and test vs uniform noise, with real Inception weights.

Needs the real assets of ``shared/tools/get-real-assets.sh`` (never used by CI):

* the Fashion-MNIST IDX files (default ``/usr/share/datasets/fashion-mnist``);
* the real TF 2015-12-05 Inception pool3 weights, as pytorch-fid-format state dict
  (``pt_inception-2015-12-05-pool3only.pth``) and/or TorchScript (``inception-2015-12-05-pool3.pt``).

It computes, for each requested protocol:

* FID(10,000 train images, the 10,000 test images): the train images are a random subset of the
  60,000 fixed by ``--seed`` (``torch.randperm``), the test split is used whole;
* FID(the 10,000 test images, 10,000 uniform-noise images): 28x28 grayscale, each pixel uniform
  in 0..255 (``torch.randint`` with ``--seed``), i.e. the same format as the data.

The statistics of each set are saved under ``--out`` (so a rerun is incremental) and the figures
are written to ``--out/real_fid_fashion_mnist.json``. On 2 CPU cores expect ~0.05-0.1 s per image
and protocol (30,000 images per protocol).

Usage::

    python benchmarks/real_fid_fashion_mnist.py --protocols tf1 pytorch-fid --threads 1
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from torch_gan_zoo.metrics import FIDStatistics, compute_statistics, extract_features, frechet_distance  # noqa: E402
from torch_gan_zoo.utils.io import atomic_write_json  # noqa: E402
from _env import environment  # noqa: E402

ASSETS = os.path.expanduser("~/.cache/tgz-assets")


def read_idx_images(path):
    """uint8 ``(N, 1, 28, 28)`` tensor from an IDX3 ``.gz`` file."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n, rows, cols = np.frombuffer(data[:16], dtype=">i4")
    if magic != 2051:
        raise ValueError(f"{path} is not an IDX3 image file (magic {magic})")
    images = np.frombuffer(data[16:], dtype=np.uint8).reshape(n, 1, rows, cols)
    return torch.from_numpy(images.copy())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--weights", default=os.path.join(ASSETS, "pt_inception-2015-12-05-pool3only.pth"))
    parser.add_argument("--torchscript", default=os.path.join(ASSETS, "inception-2015-12-05-pool3.pt"))
    parser.add_argument("--protocols", nargs="+", default=["tf1"])
    parser.add_argument("--num", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)

    train = read_idx_images(os.path.join(args.data, "train-images-idx3-ubyte.gz"))
    test = read_idx_images(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
    g = torch.Generator().manual_seed(args.seed)
    train = train[torch.randperm(len(train), generator=g)[: args.num].sort().values]
    test = test[: args.num]
    noise = torch.randint(0, 256, (args.num, 1, 28, 28), generator=torch.Generator().manual_seed(args.seed),
                          dtype=torch.uint8)
    sets = {"train": train, "test": test, "noise": noise}

    report = {"environment": environment(), "weights": args.weights, "num_images": args.num, "seed": args.seed,
              "torch_threads": torch.get_num_threads(), "protocols": {}}
    # The two real-weight files must give the same features (checked on a few images).
    if os.path.isfile(args.torchscript) and os.path.isfile(args.weights):
        a = extract_features(test[:20], inception_weights=args.weights, device="cpu", fast=False)
        b = extract_features(test[:20], inception_weights=args.torchscript, device="cpu")
        c = extract_features(test[:20], inception_weights=args.weights, device="cpu", fast=True)
        report["feature_check"] = {
            "max_abs_diff_state_dict_vs_torchscript": float((a - b).abs().max()),
            "max_abs_diff_fast_vs_exact": float((a - c).abs().max()),
            "feature_max_abs": float(a.abs().max()),
        }
        print("feature check:", report["feature_check"], flush=True)

    for protocol in args.protocols:
        stats = {}
        timings = {}
        for name, images in sets.items():
            path = os.path.join(args.out, f"fmnist-{name}-{args.num}-seed{args.seed}-{protocol}.npz")
            if os.path.isfile(path):
                stats[name] = FIDStatistics.load(path)
                continue
            t0 = time.time()
            stats[name] = compute_statistics(images, path=path, inception_weights=args.weights, device="cpu",
                                             protocol=protocol, batch_size=args.batch_size, progress=True)
            timings[name] = time.time() - t0
            print(f"[{protocol}] {name}: {len(images)} images in {timings[name]:.0f} s", flush=True)
        train, test, noise = stats["train"], stats["test"], stats["noise"]
        fid_train_test = frechet_distance(train.mu, train.sigma, test.mu, test.sigma)
        fid_test_noise = frechet_distance(test.mu, test.sigma, noise.mu, noise.sigma)
        report["protocols"][protocol] = {"fid_train_test": fid_train_test, "fid_test_noise": fid_test_noise,
                                         "seconds": timings}
        print(f"[{protocol}] FID(train {args.num}, test {args.num}) = {fid_train_test:.4f}", flush=True)
        print(f"[{protocol}] FID(test {args.num}, noise {args.num}) = {fid_test_noise:.4f}", flush=True)
        atomic_write_json(os.path.join(args.out, "real_fid_fashion_mnist.json"), report)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
