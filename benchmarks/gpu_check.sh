#!/usr/bin/env bash
# The GPU check of issue 15, in one go, from the repository root of a machine with a CUDA GPU and no network:
#
#     bash benchmarks/gpu_check.sh            # results in $OUT (default ./gpu_out)
#
# 1. installs the reference libraries from .whl/ (torch-mimicry, pytorch-fid, torch-fidelity: pure-Python
#    wheels; `pip download` them beside the checkout beforehand) into /tmp/site, without touching anything else;
# 2. prints nvidia-smi and the versions;
# 3. runs `pytest -m cuda tests/cuda` (measured numbers go to $OUT/cuda_reports/*.json);
# 4. times a training step against torch-mimicry (fp32; AMP + channels_last; compile=True);
# 5. times Inception feature extraction on the GPU: ours fp32 / bf16 / fp16, pytorch-fid, torch-fidelity.
#
# Each part has its own time limit and may fail without stopping the others; $OUT/summary.txt lists their exit
# codes. Worst case (every limit reached) about 10 minutes; expected about 4 on an H200.
#
# QUICK=1 bash benchmarks/gpu_check.sh --device cpu   runs the same parts with tiny settings on the CPU (to test
# this script; the tests in tests/cuda then skip).
set -u
cd "$(dirname "$0")/.."
DEVICE=cuda
if [ "${1:-}" = "--device" ]; then DEVICE="$2"; fi
OUT="${OUT:-$PWD/gpu_out}"
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
export TORCH_GAN_ZOO_OFFLINE=1                     # nothing may try the network
export TORCH_GAN_ZOO_HOME="${TMPDIR:-/tmp}/tgz_gpu_check_home"
export TGZ_CUDA_REPORT_DIR="$OUT/cuda_reports"
PY="${PYTHON:-python3}"
SITE="${TMPDIR:-/tmp}/site"
: > "$OUT/summary.txt"

if ls .whl/*.whl > /dev/null 2>&1; then
    "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$SITE" .whl/*.whl \
        2>&1 | tail -n 3
    export PYTHONPATH="$PWD:$SITE"
else
    echo "no .whl/*.whl: the reference libraries must already be importable"
    export PYTHONPATH="$PWD"
fi

run_part() {  # run_part NAME SECONDS COMMAND...: output to $OUT/NAME.log, its tail here, the exit code in summary.txt
    local name=$1 limit=$2 t0 rc
    shift 2
    echo "=== $name (limit ${limit} s): $*"
    t0=$(date +%s)
    timeout --kill-after=10 "$limit" "$@" > "$OUT/$name.log" 2>&1
    rc=$?
    tail -n "${TAIL:-25}" "$OUT/$name.log"
    echo "=== $name: exit $rc after $(( $(date +%s) - t0 )) s"
    echo "$name exit=$rc seconds=$(( $(date +%s) - t0 ))" >> "$OUT/summary.txt"
    return 0
}

start=$(date +%s)
{
    nvidia-smi || true
    "$PY" - <<'EOF'
import importlib, sys, torch
print("python", sys.version.split()[0], "torch", torch.__version__, "cuda", torch.version.cuda,
      "cudnn", torch.backends.cudnn.version(), "available", torch.cuda.is_available())
if torch.cuda.is_available():
    print("gpu", torch.cuda.get_device_name(0), "capability", torch.cuda.get_device_capability(0),
          "nccl", torch.cuda.nccl.version(), "bf16", torch.cuda.is_bf16_supported())
for name in ("torchvision", "numpy", "scipy", "pytest", "pytest_cov", "triton", "torch_mimicry", "pytorch_fid",
             "torch_fidelity"):
    try:
        if name == "torch_mimicry":
            sys.path.insert(0, "benchmarks")
            from _mimicry import import_mimicry
            module = import_mimicry()
        else:
            module = importlib.import_module(name)
        print(name, getattr(module, "__version__", "?"))
    except Exception as exc:  # report, don't stop
        print(name, "NOT IMPORTABLE:", type(exc).__name__, exc)
EOF
    command -v gcc cc || echo "no C compiler on PATH (torch.compile's Triton may need one)"
} > "$OUT/environment.txt" 2>&1
cat "$OUT/environment.txt"

if [ -n "${QUICK:-}" ]; then
    TRAIN_ARGS=(--steps 2 --warmup 1 --batch-size 8 --n-dis 1 --ngf 16 --ndf 16)
    METRIC_ARGS=(--num 100 --chunk 50 --precision bf16)
else
    TRAIN_ARGS=(--steps 10 --warmup 3)
    METRIC_ARGS=(--num 5000 --chunk 1000 --precision bf16,fp16 --workers 8)
fi

run_part pytest_cuda 240 "$PY" -m pytest -m cuda -q -p no:cacheprovider --no-cov -rA --durations=15 \
    --junitxml="$OUT/pytest_cuda.xml" tests/cuda
run_part bench_train_step_fp32 90 "$PY" benchmarks/bench_train_step.py --device "$DEVICE" "${TRAIN_ARGS[@]}" \
    --json "$OUT/bench_train_step_fp32.json"
run_part bench_train_step_amp_channels_last 90 "$PY" benchmarks/bench_train_step.py --device "$DEVICE" --amp \
    --channels-last "${TRAIN_ARGS[@]}" --json "$OUT/bench_train_step_amp_channels_last.json"
run_part bench_features 150 "$PY" benchmarks/bench_metrics.py --device "$DEVICE" --random "${METRIC_ARGS[@]}" \
    --json "$OUT/bench_features.json"
if [ "$DEVICE" = cuda ]; then  # torch.compile on CPU needs a C++ tool chain: the CPU dry run skips it
    run_part bench_train_step_compile 120 "$PY" benchmarks/bench_train_step.py --device "$DEVICE" --compile \
        --no-memory "${TRAIN_ARGS[@]}" --json "$OUT/bench_train_step_compile.json"
fi

echo "=== summary (total $(( $(date +%s) - start )) s; files in $OUT)"
cat "$OUT/summary.txt"
"$PY" - "$OUT" <<'EOF'
import glob, json, os, sys
out = sys.argv[1]
for path in sorted(glob.glob(os.path.join(out, "bench_train_step_*.json"))):
    r = json.load(open(path))
    print(os.path.basename(path), {k: {m: round(v, 2) for m, v in r[k].items() if isinstance(v, (int, float))}
                                   for k in ("torch_gan_zoo", "mimicry")}, "speed-up", round(r["speedup"], 2))
path = os.path.join(out, "bench_features.json")
if os.path.exists(path):
    r = json.load(open(path))
    print("features", {k: round(v["images_per_s"], 1) for k, v in r["results"].items()}, "img/s;",
          "FID rel. diff vs ours fp32", {k: f"{v:.2e}" for k, v in r["fid_relative_difference_vs_ours_fp32"].items()})
for path in sorted(glob.glob(os.path.join(out, "cuda_reports", "*.json"))):
    print(os.path.basename(path)[:-5], json.dumps(json.load(open(path)), sort_keys=True)[:400])
EOF

# The device tool brings back at most 8 files: TAR_RESULTS=1 packs everything under $OUT into one archive.
if [ -n "${TAR_RESULTS:-}" ]; then
    tar czf "${TMPDIR:-/tmp}/gpu_results.tgz" -C "$OUT" . && find "$OUT" -mindepth 1 -delete \
        && mv "${TMPDIR:-/tmp}/gpu_results.tgz" "$OUT/" && echo "packed: $OUT/gpu_results.tgz"
fi
