"""Speed of a FID: torch_gan_zoo (fp32 and reduced precision) vs pytorch-fid vs torch-fidelity, one run.

The task timed is issue 12's: the FID of ``--num`` (default 10,000) generated 28 px images against
reference statistics that are already cached. The "generated" images are the first ``--num``
Fashion-MNIST test images (grayscale 28x28; the built-in ``shapes`` data, RGB 32x32, when the IDX
files are missing); the reference statistics are those of ``--num`` train images, computed once by
us (fp32, TF1 protocol) before the clock starts and shared by every library (pytorch-fid's own
protocol differs by ~1.7 %, so its FID value is against a reference of another protocol; its
*time* is what is compared).

Each library gets the images in its own input format: uint8 tensors for us and torch-fidelity,
PNG files for pytorch-fid (its only input). To be fair on a busy machine, the libraries take turns
on chunks of ``--chunk`` images (ours fp32, ours reduced, torch-fidelity, pytorch-fid, ours fp32,
...), so a change of load hits all of them alike. Per library: extraction time (pool3 features,
ours also streaming the moments), distance time (moments of the features where the library does
that separately, and the Frechet distance against the cached reference), total, images per second,
the projected time for 10,000 images, and the ratios to ours (fp32).

Weights: the real TF 2015-12-05 Inception in pytorch-fid's layout (``--weights``, from
``shared/tools/get-real-assets.sh``; a file without the classifier gets a random one appended for
pytorch-fid and torch-fidelity, which insist on it and do not use it for FID), or random weights
with ``--random``.

Ours runs each batch on one single-threaded worker thread per torch thread (the default of
``run_extraction``); ``--intra-op`` adds our fp32 path as before, one network call per batch whose
operations use the torch threads, to show what the workers gain.

``--full-rank`` adds the distance alone at full rank (2,500 random 2048-d feature vectors per side,
N > d): ``sqrtm`` (pytorch-fid), ``eigvals`` (torch-fidelity), our two symmetric eigendecompositions.

``--memory`` instead measures peak RSS of ``compute_fid`` from a generator, in subprocesses: the real
network on 500 and 1,500 images (the peak must not grow with N), and the full pipeline on 50,000
generated 32x32 images with a cheap stand-in for the network (to show the streaming at N = 50k).

Every JSON report records the environment (torch, CPU, threads, commit: ``benchmarks/_env.py``).

Usage::

    python benchmarks/bench_metrics.py [--num 10000] [--threads 2] [--precision bf16] [--intra-op] [--json OUT]
    python benchmarks/bench_metrics.py --num 500 --random          # quick check, no real assets
    python benchmarks/bench_metrics.py --memory
    python benchmarks/bench_metrics.py --device cuda --random --num 5000 --chunk 1000 --precision bf16,fp16

``--device cuda`` runs every library's network on the GPU (ours through ``device=``, torch-fidelity with
``cuda=True``, pytorch-fid on ``cuda`` reading its PNGs with ``--workers`` loader processes) and synchronises
the GPU before each clock reading. ``--precision`` takes a comma-separated list of our reduced precisions
(``fp16`` needs CUDA).
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
import scipy
import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "benchmarks"))

from _env import environment  # noqa: E402

from torch_gan_zoo.metrics import StreamingMoments, compute_statistics, fid_from_statistics, frechet_distance  # noqa: E402
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
    """(reference images, "generated" images, description): ``num`` uint8 images each."""
    train, test = (os.path.join(FMNIST, f) for f in ("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"))
    if os.path.isfile(train) and os.path.isfile(test):
        return _idx(train, num), _idx(test, num), "Fashion-MNIST (1x28x28)"
    from torch_gan_zoo.datasets import load_dataset

    a = load_dataset(None, "shapes", num_images=num).images
    b = load_dataset(None, "shapes", split="test", num_images=num).images
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


class _U8(torch.utils.data.Dataset):
    def __init__(self, x):
        self.x = x if x.shape[1] == 3 else x.repeat(1, 3, 1, 1)  # torch-fidelity wants 3 channels

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i]


class Ours:
    """Our extraction (streaming moments) in one precision; distance against the cached reference."""

    def __init__(self, weights, precision, device="cpu", workers=None):
        self.workers = workers  # None: run_extraction's default (one single-threaded worker per torch thread)
        self.opts = _parse_options({"inception_weights": weights, "device": device, "precision": precision}, "bench")
        self.handle = get_inception(weights, device, precision=precision)
        self.moments = StreamingMoments(2048)

    def extract(self, images, files):
        ex = run_extraction(_source(images, "input", self.opts, None), self.handle, batch_size=50, keep_pool3=True,
                            workers=self.workers)
        self.moments.update(ex.pool3.cpu())  # run_extraction streams the moments per call; here they span the chunks

    def distance(self, ref):
        return fid_from_statistics(ref, self.moments.statistics())


class PytorchFID:
    """pytorch-fid's own network and ``get_activations`` on PNG files, its numpy statistics and distance."""

    def __init__(self, weights, device="cpu", workers=0):
        import pytorch_fid.inception as pfi

        sd = torch.load(weights, map_location="cpu", weights_only=True)
        pfi.load_state_dict_from_url = lambda *a, **k: sd  # its own network, with these weights
        self.device, self.workers = device, workers
        self.model = pfi.InceptionV3([3]).eval().to(device)
        self.acts = []

    def extract(self, images, files):
        from pytorch_fid.fid_score import get_activations

        self.acts.append(get_activations(files, self.model, 50, 2048, self.device, num_workers=self.workers))

    def distance(self, ref):
        from pytorch_fid.fid_score import calculate_frechet_distance

        x = np.concatenate(self.acts)
        mu, sigma = np.mean(x, axis=0), np.cov(x, rowvar=False)
        try:
            return float(calculate_frechet_distance(ref.mu, ref.sigma, mu, sigma))
        except TypeError as exc:  # pytorch-fid 0.3.0 passes sqrtm(disp=False), which SciPy >= 1.18 removed
            if "disp" not in str(exc):
                raise
            self.note = f"pytorch-fid's own distance fails on SciPy {scipy.__version__} ({exc}); ours timed instead"
            print(self.note, flush=True)
            return float(frechet_distance(ref.mu, ref.sigma, mu, sigma))


class TorchFidelity:
    """torch-fidelity's extractor on a uint8 Dataset, its statistics and distance."""

    def __init__(self, weights, device="cpu"):
        from torch_fidelity.utils import create_feature_extractor

        self.cuda = torch.device(device).type == "cuda"
        self.fe = create_feature_extractor("inception-v3-compat", ["2048"], cuda=self.cuda,
                                           feature_extractor_weights_path=weights, verbose=False)
        self.feats = []

    def extract(self, images, files):
        from torch_fidelity.utils import get_featuresdict_from_dataset

        feats = get_featuresdict_from_dataset(_U8(images), self.fe, 50, self.cuda, False, False)["2048"]
        self.feats.append(feats.cpu())

    def distance(self, ref):
        from torch_fidelity.metric_fid import fid_featuresdict_to_statistics, fid_statistics_to_metric

        stats = fid_featuresdict_to_statistics({"2048": torch.cat(self.feats)}, "2048")
        dtype = stats["mu"].dtype  # it insists on equal dtypes (it computes in float32)
        reference = {"mu": ref.mu.astype(dtype), "sigma": ref.sigma.astype(stats["sigma"].dtype)}
        return float(fid_statistics_to_metric(reference, stats, False)["frechet_inception_distance"])


def _sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def best(fn, repeat):
    """(the shortest of ``repeat`` timings of ``fn()``, its last result)."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


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
    ref_images, fake_images, what = load_images(args.num)
    reduced = args.precision
    with tempfile.TemporaryDirectory() as tmp:
        ours_w, fc_w = weights_files(args, tmp)
        folder = save_pngs(fake_images, os.path.join(tmp, "fake"))
        files = sorted(os.path.join(folder, n) for n in os.listdir(folder))
        t0 = time.perf_counter()
        # the cached reference
        ref = compute_statistics(ref_images, inception_weights=ours_w, device=args.device, cache=False)
        ref_seconds = time.perf_counter() - t0
        print(f"reference statistics of {args.num} images (not timed below): {ref_seconds:.1f} s", flush=True)
        libs = {"ours (fp32)": Ours(ours_w, "fp32", args.device)}
        for precision in reduced.split(","):
            if precision not in ("", "none", "fp32"):
                libs[f"ours ({precision})"] = Ours(ours_w, precision, args.device)
        if args.intra_op:  # the previous default: one network call per batch, intra-op threads
            libs["ours (fp32, intra-op threads)"] = Ours(ours_w, "fp32", args.device, workers=1)
        if not args.ours_only:
            libs["torch-fidelity"] = TorchFidelity(fc_w, args.device)
            libs["pytorch-fid"] = PytorchFID(fc_w, args.device, args.workers)
        extraction = dict.fromkeys(libs, 0.0)
        for start in range(0, args.num, args.chunk):
            stop = min(start + args.chunk, args.num)
            for name, lib in libs.items():
                _sync(args.device)
                t0 = time.perf_counter()
                lib.extract(fake_images[start:stop], files[start:stop])
                _sync(args.device)
                extraction[name] += time.perf_counter() - t0
            print(f"{stop}/{args.num}: " + "  ".join(f"{k} {stop / v:.2f} img/s" for k, v in extraction.items()),
                  flush=True)
        results = {}
        for name, lib in libs.items():
            t0 = time.perf_counter()
            value = lib.distance(ref)
            dist = time.perf_counter() - t0
            total = extraction[name] + dist
            results[name] = {"extraction_s": extraction[name], "distance_s": dist, "total_s": total,
                             "fid": float(value), "images_per_s": args.num / extraction[name],
                             "projected_10k_s": total * 10000 / args.num}
            print(f"{name:20s} " + "  ".join(f"{k}={v:.4g}" for k, v in results[name].items()), flush=True)
    base = results["ours (fp32)"]
    ratios = {f"{name} / ours (fp32), {part}": r[part] / base[part]
              for name, r in results.items() if name != "ours (fp32)" for part in ("total_s", "extraction_s")}
    report = {"device": str(args.device),
              "task": f"FID of {args.num} generated images vs cached reference statistics of {args.num}",
              "images": f"{what}: test images as generated, train images as the reference",
              "weights": os.path.basename(ours_w), "chunk": args.chunk,
              "ours_workers": torch.get_num_threads(), "reference_seconds": ref_seconds,
              "results": results, "time_ratios": ratios,
              "fid_relative_difference_vs_ours_fp32": {
                  name: abs(r["fid"] - base["fid"]) / base["fid"]
                  for name, r in results.items() if name != "ours (fp32)"},
              "note": "pytorch-fid's FID is of its own protocol (torch bilinear resize) against our TF1 reference: "
                      "its value differs by the protocol (~1.7 %), its time is comparable"}
    if args.full_rank:
        report["distance_full_rank"] = full_rank_distance(args.repeat)
        print("distance at N > d:", report["distance_full_rank"], flush=True)
    print(json.dumps({k: report[k] for k in ("time_ratios", "fid_relative_difference_vs_ours_fp32")}, indent=2))
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
    parser.add_argument("--num", type=int, default=10000, help="generated images (and reference images)")
    parser.add_argument("--chunk", type=int, default=500, help="images per turn of each library")
    parser.add_argument("--precision", default="bf16",
                        help="our reduced precision(s), comma-separated ('none' to skip them)")
    parser.add_argument("--device", default="cpu", help="'cpu' or 'cuda' (every library's network runs there)")
    parser.add_argument("--workers", type=int, default=0, help="pytorch-fid's PNG loader processes")
    parser.add_argument("--ours-only", action="store_true", help="skip pytorch-fid and torch-fidelity")
    parser.add_argument("--intra-op", action="store_true",
                        help="also time our fp32 path as one network call per batch on intra-op threads (workers=1)")
    parser.add_argument("--full-rank", action="store_true", help="also time the distance alone at N > d")
    parser.add_argument("--repeat", type=int, default=1, help="repeats of the full-rank distance timing")
    parser.add_argument("--memory", action="store_true")
    parser.add_argument("--memory-runs", default="real:500,real:1500,standin:50000",
                        help="comma-separated NETWORK:NUM_FAKE with NETWORK real or standin")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    parser.add_argument("--distance-only", action="store_true", help="only the full-rank distance timing")
    parser.add_argument("--json", help="write the report here (default benchmarks/results/bench_metrics_<what>.json)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.distance_only:
        report = {"distance_full_rank": full_rank_distance(args.repeat)}
        print(report)
    else:
        report = memory(args) if args.memory else speed(args)
    what = "memory" if args.memory else "distance" if args.distance_only else f"fid{args.num}"
    if torch.device(args.device).type == "cuda":
        what += "_cuda"
    path = args.json or os.path.join(REPO, "benchmarks", "results",
                                     f"bench_metrics_{what}_{torch.get_num_threads()}threads.json")
    from torch_gan_zoo.utils.io import atomic_write_json

    report = {"environment": dict(environment(), load_average_end=list(os.getloadavg())), **report}
    atomic_write_json(path, report)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
