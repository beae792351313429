#!/usr/bin/env bash
# CNN and LSTM training throughput: Cornu against Keras 3 (JAX, CPU) and PyTorch (CPU) on this machine, in
# the same run, with the same models, batches and random data (bench_layers.cpp, layers_reference.py).
# Usage: tests/benchmarks/run_layer_benchmarks.sh [BUILD_DIR] [EPOCHS]
#   CNN_SAMPLES / LSTM_SAMPLES: samples per epoch (default 6400 and 1600).
#   BENCH_VENV: a venv with keras and jax (default BUILD_DIR/bench-venv, created from PyPI when missing).
#   TORCH_PYTHON: a Python with torch (default /usr/bin/python3, Debian's python3-torch); skipped without one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
epochs=${2:-1}
venv=${BENCH_VENV:-$build/bench-venv}
torch_python=${TORCH_PYTHON:-/usr/bin/python3}
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q keras "jax[cpu]"
fi
cmake --build "$build" --target bench_layers >/dev/null
have_torch=0
"$torch_python" -c "import torch" 2>/dev/null && have_torch=1

results=()
for model in cnn lstm; do
  samples=$([ $model = cnn ] && echo "${CNN_SAMPLES:-6400}" || echo "${LSTM_SAMPLES:-1600}")
  cornu=$("$build/tests/benchmarks/bench_layers" --model $model --samples "$samples" --epochs "$epochs" --json)
  keras=$(KERAS_BACKEND=jax "$venv/bin/python" "$here/layers_reference.py" keras $model "$samples" "$epochs" 2>/dev/null | tail -n 1)
  torch=null
  [ $have_torch = 1 ] && torch=$("$torch_python" "$here/layers_reference.py" torch $model "$samples" "$epochs" 2>/dev/null | tail -n 1)
  results+=("{\"cornu\": $cornu, \"keras\": $keras, \"torch\": $torch}")
done
python3 - "${results[@]}" <<'PY'
import json, sys
names = {"cnn": "CNN (mnist_convnet) on (28, 28, 1), batch 64, Adam",
         "lstm": "LSTM(128) over 64 steps of 64 features, Dense(10), batch 32, Adam"}
for arg in sys.argv[1:]:
    r = json.loads(arg)
    c, k, t = r["cornu"], r["keras"], r["torch"]
    print(f"{names[c['model']]}, CPU ({c['threads']} threads, OpenBLAS {c['core']})")
    print(f"  Cornu:              {c['samples_per_sec']:9.0f} samples/s  ({100 * c['fraction_of_sgemm_peak']:.1f}% of sgemm peak {c['sgemm_gflops']:.1f} GFLOP/s)")
    print(f"  Keras {k['keras']} ({k['backend']}): {k['samples_per_sec']:9.0f} samples/s   Cornu / Keras:   {c['samples_per_sec'] / k['samples_per_sec']:.2f}")
    if t:
        print(f"  PyTorch {t['torch']} ({t['threads']} threads): {t['samples_per_sec']:9.0f} samples/s   Cornu / PyTorch: {c['samples_per_sec'] / t['samples_per_sec']:.2f}")
    else:
        print("  PyTorch: not installed (apt-get install python3-torch), skipped")
PY
