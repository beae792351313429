#!/usr/bin/env bash
# MLP training throughput, Cornu against Keras 3 (JAX, CPU) on this machine in the same run.
# Usage: tests/benchmarks/run_mlp_benchmark.sh [BUILD_DIR] [SAMPLES] [EPOCHS]
# Keras comes from PyPI into a venv under the build folder (kept between runs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
samples=${2:-30000}
epochs=${3:-3}
venv=$build/bench-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q keras "jax[cpu]"
fi
cmake --build "$build" --target bench_mlp >/dev/null
cornu=$("$build/tests/benchmarks/bench_mlp" --samples "$samples" --epochs "$epochs" --json)
keras=$("$venv/bin/python" "$here/keras_mlp.py" "$samples" "$epochs" 2>/dev/null | tail -n 1)
python3 - "$cornu" "$keras" <<'PY'
import json, sys
c, k = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"MLP 784-512-512-10, batch 128, Adam, CPU ({c['threads']} threads, OpenBLAS {c['core']})")
print(f"  Cornu:             {c['samples_per_sec']:10.0f} samples/s  ({100 * c['fraction_of_sgemm_peak']:.1f}% of sgemm peak {c['sgemm_gflops']:.1f} GFLOP/s)")
print(f"  Keras {k['keras']} ({k['backend']}): {k['samples_per_sec']:10.0f} samples/s")
print(f"  ratio Cornu / Keras: {c['samples_per_sec'] / k['samples_per_sec']:.2f}")
PY
