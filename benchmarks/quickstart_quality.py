"""How good and how fast is ``torch-gan-zoo quickstart`` on ``shapes``? (issue 12)

Three steps, each adding its numbers to ``benchmarks/results/quickstart.json``:

    # train: runs the quickstart in a child process, records its wall and CPU time (getrusage)
    python benchmarks/quickstart_quality.py train --which after  --log-dir /work/runs/qs_after  --threads 2
    python benchmarks/quickstart_quality.py train --which before --log-dir /work/runs/qs_before --threads 2
    # fid: 2,000 samples of the run's generator (the EMA one with standing batch-norm statistics when the
    # run kept one, as the final grid) vs 2,000 shapes test images, real Inception
    python benchmarks/quickstart_quality.py fid --which after  --log-dir /work/runs/qs_after
    python benchmarks/quickstart_quality.py fid --which before --log-dir /work/runs/qs_before
    python benchmarks/quickstart_quality.py fid --which floor --resolution 28  # 2,000 train vs 2,000 test images
    python benchmarks/quickstart_quality.py fid --which floor --resolution 32  # (the "before" model's size)
    # classify: are the shapes recognisable? 1,000 samples (200 per kind) through a small CNN trained on real
    # shapes; the floor's record holds the CNN's accuracy on real test images (the ceiling)
    python benchmarks/quickstart_quality.py classify --which after --log-dir /work/runs/qs_after

``--which before`` trains the quickstart of before issue 12 (DCGAN 32 px, ngf=ndf=128, 1,500 steps, no LR
decay, no EMA) by overriding today's table (:data:`BEFORE`); ``after`` is today's default. The machine may
be shared: the record holds the wall time, the process CPU time and the load average, and an honest idle
estimate must be read from the CPU time (on one thread, CPU time ~ idle wall time).
"""
import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import torch_gan_zoo as tgz
from torch_gan_zoo import zoo
from torch_gan_zoo.datasets.shapes import SHAPE_CLASSES, ShapesDataset, render_shapes
from torch_gan_zoo.training.checkpoint import CheckpointManager
from torch_gan_zoo.utils.io import atomic_write

_ASSETS = os.environ.get("TGZ_ASSETS", os.path.expanduser("~/.cache/tgz-assets"))
#: The real Inception weights of ../shared/tools/get-real-assets.sh: pytorch-fid's state-dict layout (the
#: faster path) where it was written, else the TorchScript extractor.
INCEPTION = next((path for path in (os.path.join(_ASSETS, "pt_inception-2015-12-05-pool3only.pth"),
                                    os.path.join(_ASSETS, "inception-2015-12-05-pool3.pt")) if os.path.isfile(path)),
                 os.path.join(_ASSETS, "inception-2015-12-05-pool3.pt"))
RESULTS = os.path.join(ROOT, "benchmarks", "results", "quickstart.json")
NUM_IMAGES = 2000

#: The quickstart of before issue 12 (DCGAN 32 px, transposed convolutions, ngf = ndf = 128, Adam 2e-4 for
#: both, no regulariser, no EMA, 1,500 steps, batch 64), as overrides of today's table.
BEFORE = ["--set", "model=dcgan", "--set", "resolution=32", "--set", 'model.kwargs={"ngf": 128, "ndf": 128}',
          "--set", "optG.lr=2e-4", "--set", "optD.lr=2e-4", "--set", "regularizers=null", "--set", "lr_decay=none",
          "--set", "trainer_kwargs.ema_decay=null", "--set", "trainer.time_limit=null", "--steps", "1500",
          "--batch-size", "64"]


def machine():
    """torch version, CPU model, cores, commit and load average: what the numbers depend on."""
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = None
    return {"torch": torch.__version__, "cpu": cpu, "cpu_count": os.cpu_count(), "commit": commit,
            "loadavg_1_5_15": list(os.getloadavg()), "python": platform.python_version()}


def update_results(key, record, path=RESULTS):
    """Merge ``record`` under ``key`` into the results file ``path`` (written atomically)."""
    results = {}
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            results = json.load(f)
    results.setdefault(key, {}).update(record)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with atomic_write(path, "w") as f:
        json.dump(results, f, indent=2, sort_keys=True)
        f.write("\n")
    print(json.dumps({key: results[key]}, indent=2))


def train(args):
    """Run the quickstart as a child process; record wall time, CPU time and steps."""
    command = [sys.executable, "-m", "torch_gan_zoo.cli", "quickstart", "--log-dir", args.log_dir,
               "--set", "trainer_kwargs.progress=false"] + (BEFORE if args.which == "before" else [])
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads), "MKL_NUM_THREADS": str(args.threads),
           "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    start_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    info = machine()
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(os.path.join(args.log_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    cpu = (usage.ru_utime - start_usage.ru_utime) + (usage.ru_stime - start_usage.ru_stime)
    # the step reached: fewer than the budget where the quickstart's wall-clock cap stopped it
    steps = max(CheckpointManager(args.log_dir).complete_steps(), default=0)
    update_results(args.which, {
        "command": " ".join(command[1:]), "threads": args.threads, "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1), "steps": steps, "step_budget": config["schedule"]["num_steps"],
        "time_limit": config["trainer"].get("time_limit"), "config": config,
        "machine_at_start": info, "loadavg_at_end": list(os.getloadavg()),
        "note": "wall time on a shared machine; cpu_s is the process CPU time (user + system)"}, args.out)


def exported_generator(log_dir):
    """The run's generator exactly as the zoo export writes it (the EMA one, with standing statistics where it
    has batch norm), in eval mode, and which weights it is (``'netG_ema'`` or ``'netG'``)."""
    with tempfile.TemporaryDirectory() as folder:
        out = zoo.export_run(log_dir, os.path.join(folder, "pretrained"))
        source = zoo.read_config(out).get("export", {}).get("source", "unknown")
        return zoo.load(out).eval(), source


def fid(args):
    """FID of 2,000 samples (or 2,000 train images: the floor) vs 2,000 shapes test images, at the resolution the
    model was trained at (the floor: ``--resolution``)."""
    if not os.path.isfile(INCEPTION):
        raise SystemExit(f"the real Inception weights are missing: {INCEPTION}")
    torch.set_num_threads(args.threads)
    num = args.num
    options = {"inception_weights": INCEPTION, "device": "cpu", "seed": 0, "batch_size": 100, "cache": False}
    start, cpu_start = time.perf_counter(), time.process_time()
    if args.which == "floor":
        resolution, netG = args.resolution, None
        source = f"shapes train split, first {num} images, {resolution} px"
    else:
        netG, source = exported_generator(args.log_dir)
        resolution = netG.resolution
    # The reference statistics of a resolution (shared by before/after and the floor) are computed once and kept.
    real = os.path.join(os.path.expanduser("~/.cache/torch_gan_zoo"),
                        f"quickstart_shapes_test{num}_{resolution}px_{os.path.basename(INCEPTION)}.npz")
    if not os.path.isfile(real):
        os.makedirs(os.path.dirname(real), exist_ok=True)
        tgz.metrics.compute_statistics(ShapesDataset(split="test", resolution=resolution).images[:num], real,
                                       **options)
    if netG is None:
        score = tgz.metrics.compute_fid(real, ShapesDataset(split="train", resolution=resolution).images[:num],
                                        **options)
    else:
        score = tgz.metrics.compute_fid(real, netG, num_fake_samples=num, **options)
    record = {"fid": round(float(score), 3), "num_fake": num, "num_real": num, "resolution": resolution,
              "real": f"shapes test split (first {num} images, {resolution} px)", "fake": source,
              "protocol": getattr(score, "protocol", None), "weights": os.path.basename(INCEPTION),
              "fid_wall_s": round(time.perf_counter() - start, 1),
              "fid_cpu_s": round(time.process_time() - cpu_start, 1), "fid_machine": machine()}
    key = args.which if args.which != "floor" else f"floor_{resolution}px"
    update_results(key, {k: v for k, v in record.items() if v is not None}, args.out)


#: Where the shape classifier of the ``classify`` phase is kept (trained once, then reused).
CLASSIFIER = os.path.join(os.path.expanduser("~/.cache/torch_gan_zoo"), "shapes_classifier_28px.pt")


def _classifier_net():
    import torch.nn as nn
    return nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                         nn.Linear(64, 5))


def shape_classifier():
    """A small CNN that tells the five shape kinds apart at 28 px: trained (seed 0, Adam 1e-3, 4 epochs of batch
    128) on 20,000 images of the shapes generator's seed 1 (not the quickstart's training images), kept in
    :data:`CLASSIFIER`. Returns ``(net, accuracy on the 2,000 test images, that accuracy per kind)``. The
    accuracy is the ceiling of the measure, since some small, rotated shapes are ambiguous at 28 px; most of
    all squares, which pass for circles when small (real test squares score about 0.62)."""
    import torch.nn.functional as F

    net = _classifier_net()
    if os.path.isfile(CLASSIFIER):
        net.load_state_dict(torch.load(CLASSIFIER, weights_only=True))
    else:
        torch.manual_seed(0)
        images, labels = render_shapes(20000, 28, seed=1, split="train")
        images = images.float() / 127.5 - 1
        optimizer = torch.optim.Adam(net.parameters(), 1e-3)
        for _ in range(4):
            order = torch.randperm(len(images))
            for start in range(0, len(images), 128):
                batch = order[start:start + 128]
                loss = F.cross_entropy(net(images[batch]), labels[batch])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        os.makedirs(os.path.dirname(CLASSIFIER), exist_ok=True)
        with atomic_write(CLASSIFIER, "wb") as f:
            torch.save(net.state_dict(), f)
    net.eval()
    test = ShapesDataset(split="test", resolution=28)
    with torch.no_grad():
        predicted = net(test.images.float() / 127.5 - 1).argmax(1)
    return net, float((predicted == test.labels).float().mean()), _per_kind(predicted, test.labels)


def _per_kind(predicted, labels):
    """``{kind name: fraction of the images of that kind classified as it}``."""
    return {name: round(float((predicted[labels == k] == k).float().mean()), 4) for k, name in enumerate(SHAPE_CLASSES)}


def classify(args):
    """Do the generated shapes look like the kind asked for? 1,000 samples of the exported generator (200 per
    kind, seed 0) through :func:`shape_classifier`: the fraction classified as the kind they were generated for,
    overall and per kind, beside the classifier's accuracy on real test images (the ceiling)."""
    torch.set_num_threads(args.threads)
    net, ceiling, ceiling_per_kind = shape_classifier()
    record = {"classifier_real_test_accuracy": round(ceiling, 4),
              "classifier_real_test_accuracy_per_kind": ceiling_per_kind, "classifier": os.path.basename(CLASSIFIER)}
    if args.which != "floor":
        netG, _ = exported_generator(args.log_dir)
        if netG.resolution != 28 or not getattr(netG, "num_classes", None):
            raise SystemExit("the classifier judges class-conditional 28 px generators")
        labels = torch.arange(1000) % 5
        noise = torch.randn(1000, netG.nz, generator=torch.Generator().manual_seed(0))
        with torch.no_grad():
            predicted = torch.cat([net(netG(noise[i:i + 100], labels[i:i + 100]).float()).argmax(1)
                                   for i in range(0, 1000, 100)])
        record["class_accuracy"] = round(float((predicted == labels).float().mean()), 4)
        record["class_accuracy_per_kind"] = _per_kind(predicted, labels)
    key = args.which if args.which != "floor" else "floor_28px"
    update_results(key, record, args.out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("phase", choices=["train", "fid", "classify"])
    parser.add_argument("--which", choices=["before", "after", "floor"], required=True)
    parser.add_argument("--log-dir", help="the quickstart run's log folder (train, and fid of before/after)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--num", type=int, default=NUM_IMAGES, help="images per side of the FID (default 2000)")
    parser.add_argument("--resolution", type=int, default=28, help="the floor's image size (default 28)")
    parser.add_argument("--out", default=RESULTS, help="results JSON (default benchmarks/results/quickstart.json)")
    args = parser.parse_args(argv)
    if args.which != "floor" and not args.log_dir:
        parser.error("--log-dir is required for before/after")
    if args.phase == "train" and args.which == "floor":
        parser.error("the floor is not trained")
    return {"train": train, "fid": fid, "classify": classify}[args.phase](args)


if __name__ == "__main__":
    main()
