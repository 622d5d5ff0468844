"""Speed of FID: torch_gan_zoo vs pytorch-fid vs torch-fidelity on the same images and weights, one run.

Images: 2,000 real images at 32x32 (1,000 "real" + 1,000 "fake" for the FID): the first 1,000 train
and 1,000 test images of Fashion-MNIST when its IDX files are found (grayscale, 28x28), else the
built-in ``shapes`` data (RGB, 32x32). Each library gets them in its own input format: uint8 tensors
for us and torch-fidelity, PNG files for pytorch-fid (its only input); we are also timed on the PNG
folders.

Weights: the real TF 2015-12-05 Inception in pytorch-fid's layout (``--weights``, from
``shared/tools/get-real-assets.sh``; a file without the classifier gets a random one appended for
pytorch-fid and torch-fidelity, which insist on it and do not use it for FID), or random weights
with ``--random``.

Timed for each library (CPU, ``torch.get_num_threads()`` threads, best of ``--repeat``):

* extraction: pool3 features of all 2,000 images (our pass also accumulates the FID moments);
* distance: mean/covariance (theirs) and the Fréchet distance from the features;
* total = extraction + distance, and the FID values (pytorch-fid's protocol differs from the TF1
  protocol of torch-fidelity and our default, so each is compared with ours under its protocol);
* the distance alone at full rank (2,500 random 2048-d feature vectors per side, N > d), where our
  exact low-rank route does not apply: ``sqrtm`` (pytorch-fid), ``eigvals`` (torch-fidelity), our
  two symmetric eigendecompositions.

``--memory`` instead measures peak RSS of ``compute_fid`` from a generator, in subprocesses: the real
network on 500 and 1,500 images (the peak must not grow with N), and the full pipeline on 50,000
generated 32x32 images with a cheap stand-in for the network (to show the streaming at N = 50k).

Usage::

    python benchmarks/bench_metrics.py [--weights PATH] [--num 2000] [--repeat 1] [--json OUT]
    python benchmarks/bench_metrics.py --memory
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

from torch_gan_zoo.metrics import fid_from_statistics, frechet_distance  # noqa: E402
from torch_gan_zoo.metrics.api import _parse_options, _source  # noqa: E402
from torch_gan_zoo.metrics.features import run_extraction  # noqa: E402
from torch_gan_zoo.metrics.weights import get_inception  # noqa: E402

ASSETS = os.path.expanduser("~/.cache/tgz-assets")
FMNIST = "/usr/share/datasets/fashion-mnist"


def _idx(path, n):
    with gzip.open(path, "rb") as f:
        data = f.read()
    count, rows, cols = np.frombuffer(data[4:16], dtype=">i4")
    return torch.from_numpy(np.frombuffer(data[16:], dtype=np.uint8).reshape(count, 1, rows, cols)[:n].copy())


def load_images(num):
    half = num // 2
    train, test = (os.path.join(FMNIST, f) for f in ("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"))
    if os.path.isfile(train) and os.path.isfile(test):
        return _idx(train, half), _idx(test, num - half), "Fashion-MNIST (1x28x28)"
    from torch_gan_zoo.datasets import load_dataset

    a = load_dataset(None, "shapes", num_images=half).images
    b = load_dataset(None, "shapes", split="test", num_images=num - half).images
    return a, b, "shapes (3x32x32)"


def weights_files(args, tmp):
    """(the weights for us, the same with an fc layer for pytorch-fid and torch-fidelity, which require it)."""
    if args.random:
        sys.path.insert(0, os.path.join(REPO, "tests"))
        from helpers.metrics import random_inception_file

        path = random_inception_file(tmp)
        return path, path
    sd = torch.load(args.weights, map_location="cpu", weights_only=True)
    if "fc.weight" in sd:
        return args.weights, args.weights
    g = torch.Generator().manual_seed(0)
    sd = dict(sd, **{"fc.weight": torch.randn(1008, 2048, generator=g) * 0.01, "fc.bias": torch.zeros(1008)})
    path = os.path.join(tmp, "with_fc.pth")
    torch.save(sd, path)
    return args.weights, path


def best(fn, repeat):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def bench_ours(a, b, weights, protocol, repeat, folders=None):
    opts = _parse_options({"inception_weights": weights, "device": "cpu", "protocol": protocol}, "bench")
    handle = get_inception(weights, "cpu")

    def extract():
        stats = []
        for x in (folders or (a, b)):
            ex = run_extraction(_source(x, "input", opts, None), handle, protocol=protocol, batch_size=50)
            stats.append(ex.moments.statistics())
        return stats

    t_ext, stats = best(extract, repeat)
    t_fid, value = best(lambda: fid_from_statistics(*stats), repeat)
    return {"extraction_s": t_ext, "distance_s": t_fid, "total_s": t_ext + t_fid, "fid": value}


def bench_pytorch_fid(folders, weights, repeat):
    import pytorch_fid.inception as pfi
    from pytorch_fid.fid_score import calculate_frechet_distance, get_activations

    sd = torch.load(weights, map_location="cpu", weights_only=True)
    pfi.load_state_dict_from_url = lambda *a, **k: sd  # its own network, with these weights
    model = pfi.InceptionV3([3]).eval()
    files = [sorted(os.path.join(f, n) for n in os.listdir(f)) for f in folders]
    t_ext, acts = best(lambda: [get_activations(fs, model, 50, 2048, "cpu", num_workers=0) for fs in files], repeat)

    def distance():  # its calculate_activation_statistics + calculate_frechet_distance
        (m1, s1), (m2, s2) = ((np.mean(x, axis=0), np.cov(x, rowvar=False)) for x in acts)
        return calculate_frechet_distance(m1, s1, m2, s2)

    t_fid, value = best(distance, repeat)
    return {"extraction_s": t_ext, "distance_s": t_fid, "total_s": t_ext + t_fid, "fid": float(value)}


class _U8(torch.utils.data.Dataset):
    def __init__(self, x):
        self.x = x if x.shape[1] == 3 else x.repeat(1, 3, 1, 1)  # torch-fidelity wants 3 channels

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i]


def bench_torch_fidelity(a, b, weights, repeat):
    from torch_fidelity.metric_fid import fid_featuresdict_to_statistics, fid_statistics_to_metric
    from torch_fidelity.utils import create_feature_extractor, get_featuresdict_from_dataset

    fe = create_feature_extractor("inception-v3-compat", ["2048"], cuda=False, feature_extractor_weights_path=weights,
                                  verbose=False)
    t_ext, fds = best(lambda: [get_featuresdict_from_dataset(_U8(x), fe, 50, False, False, False) for x in (a, b)],
                      repeat)

    def distance():
        s1, s2 = (fid_featuresdict_to_statistics(fd, "2048") for fd in fds)
        return fid_statistics_to_metric(s1, s2, False)["frechet_inception_distance"]

    t_fid, value = best(distance, repeat)
    return {"extraction_s": t_ext, "distance_s": t_fid, "total_s": t_ext + t_fid, "fid": float(value)}


def full_rank_distance(repeat, n=2500, d=2048):
    from pytorch_fid.fid_score import calculate_frechet_distance
    from torch_fidelity.metric_fid import fid_statistics_to_metric

    rng = np.random.RandomState(0)
    x, y = rng.rand(n, d), rng.rand(n, d) ** 2
    st = [{"mu": v.mean(0), "sigma": np.cov(v, rowvar=False)} for v in (x, y)]
    args = (st[0]["mu"], st[0]["sigma"], st[1]["mu"], st[1]["sigma"])
    out = {}
    for name, fn in (("ours_s", lambda: frechet_distance(*args)),
                     ("torch-fidelity_s", lambda: fid_statistics_to_metric(st[0], st[1], False)),
                     ("pytorch-fid_s", lambda: calculate_frechet_distance(*args))):
        out[name], _ = best(fn, repeat)
    ours = frechet_distance(*args)
    out["relative_difference_vs_pytorch-fid"] = abs(ours - calculate_frechet_distance(*args)) / ours
    return out


def save_pngs(images, folder):
    from PIL import Image

    os.makedirs(folder, exist_ok=True)
    for i, img in enumerate(images):
        arr = img.permute(1, 2, 0).numpy()
        Image.fromarray(arr[:, :, 0] if arr.shape[2] == 1 else arr).save(os.path.join(folder, f"{i:05d}.png"))
    return folder


def speed(args):
    a, b, what = load_images(args.num)
    with tempfile.TemporaryDirectory() as tmp:
        ours_w, fc_w = weights_files(args, tmp)
        folders = [save_pngs(a, os.path.join(tmp, "a")), save_pngs(b, os.path.join(tmp, "b"))]
        report = {"images": f"{args.num} = {len(a)} + {len(b)} {what}", "weights": os.path.basename(ours_w),
                  "torch_threads": torch.get_num_threads(), "repeat": args.repeat, "results": {}}
        runs = [
            ("ours (tf1, uint8 tensors)", lambda: bench_ours(a, b, ours_w, "tf1", args.repeat)),
            ("torch-fidelity (uint8 Dataset)", lambda: bench_torch_fidelity(a, b, fc_w, args.repeat)),
            ("ours (pytorch-fid protocol, PNG folders)",
             lambda: bench_ours(a, b, ours_w, "pytorch-fid", args.repeat, folders)),
            ("pytorch-fid (PNG folders)", lambda: bench_pytorch_fid(folders, fc_w, args.repeat)),
        ]
        for name, run in runs:
            report["results"][name] = run()
            print(f"{name:44s} " + "  ".join(f"{k}={v:.4g}" for k, v in report["results"][name].items()), flush=True)
    report["distance_full_rank"] = full_rank_distance(args.repeat)
    print("distance at N > d:", report["distance_full_rank"], flush=True)
    r = report["results"]
    ours_tf, ours_pf = r["ours (tf1, uint8 tensors)"], r["ours (pytorch-fid protocol, PNG folders)"]
    tf, pf = r["torch-fidelity (uint8 Dataset)"], r["pytorch-fid (PNG folders)"]
    report["speedup"] = {
        f"{ref_name} / ours, {part}": ref[part] / ours[part]
        for ref_name, ref, ours in (("torch-fidelity", tf, ours_tf), ("pytorch-fid", pf, ours_pf))
        for part in ("extraction_s", "distance_s", "total_s")
    }
    report["fid_relative_difference"] = {
        "ours(tf1) vs torch-fidelity": abs(ours_tf["fid"] - tf["fid"]) / tf["fid"],
        "ours(pytorch-fid) vs pytorch-fid": abs(ours_pf["fid"] - pf["fid"]) / pf["fid"],
    }
    print(json.dumps({k: report[k] for k in ("speedup", "fid_relative_difference")}, indent=2))
    return report


_MEMORY_CHILD = r"""
import resource, sys, time, torch
torch.set_num_threads({threads})
sys.path.insert(0, {repo!r})
from torch_gan_zoo.metrics import compute_fid
class G(torch.nn.Module):
    nz = 16
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(16, 3 * 32 * 32)
    def forward(self, z):
        return torch.tanh(self.fc(z)).view(-1, 3, 32, 32)
torch.manual_seed(0)
real = torch.rand(64, 3, 32, 32) * 2 - 1
t = time.time()
score = compute_fid(real, G(), num_fake_samples={n}, inception_weights={weights!r}, device="cpu", batch_size=50)
print(score.num_fake, time.time() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def memory(args):
    with tempfile.TemporaryDirectory() as tmp:
        sys.path.insert(0, os.path.join(REPO, "tests"))
        from helpers.metrics import tiny_torchscript_file

        networks = {"real": ("real Inception", args.weights),
                    "standin": ("stand-in network (full pipeline otherwise)", tiny_torchscript_file(tmp))}
        runs = [(*networks[kind], int(n)) for kind, n in (r.split(":") for r in args.memory_runs.split(","))]
        report = []
        for name, weights, n in runs:
            code = _MEMORY_CHILD.format(repo=REPO, n=n, weights=weights, threads=torch.get_num_threads())
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            num, seconds, peak_mb = out.stdout.split()[-3:]
            report.append({"network": name, "num_fake": int(num), "seconds": float(seconds),
                           "peak_rss_mb": float(peak_mb)})
            print(report[-1], flush=True)
    return {"memory": report}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", default=os.path.join(ASSETS, "pt_inception-2015-12-05-pool3only.pth"))
    parser.add_argument("--random", action="store_true", help="random weights (no real assets needed)")
    parser.add_argument("--num", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--memory-runs", default="real:500,real:1500,standin:50000",
                        help="comma-separated NETWORK:NUM_FAKE with NETWORK real or standin")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    parser.add_argument("--distance-only", action="store_true", help="only the full-rank distance timing")
    parser.add_argument("--json", help="also write the report here")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.distance_only:
        report = {"distance_full_rank": full_rank_distance(args.repeat)}
        print(report)
    else:
        report = memory(args) if args.memory else speed(args)
    if args.json:
        from torch_gan_zoo.utils.io import atomic_write_json

        atomic_write_json(args.json, report)


if __name__ == "__main__":
    main()
