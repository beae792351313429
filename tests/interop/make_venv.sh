#!/usr/bin/env bash
# Makes BUILD_DIR/interop-venv: the real Keras 3 (JAX backend, CPU) that judges Cornu's Keras files.
# Usage: tests/interop/make_venv.sh BUILD_DIR
# Versions are pinned (a new Keras or JAX must not change a test result unannounced); the venv is kept between
# runs and remade only when the pins change (a stamp file records them). Packages come from PyPI: when pip
# cannot reach it this fails saying so, and every interop test then fails too (never passes silently).
set -euo pipefail
build=${1:?usage: make_venv.sh BUILD_DIR}
venv=$build/interop-venv
# Same versions as the benchmark venv, known to work together.
pins=(keras==3.15.1 jax==0.10.2 jaxlib==0.10.2 h5py==3.16.0 numpy==2.4.6)
stamp=$venv/cornu-pins.txt
wanted=$(printf '%s\n' "${pins[@]}")

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  echo "interop venv up to date: $venv"
else
  start=$(date +%s)
  rm -rf "$venv"
  python3 -m venv "$venv"
  log=$venv/pip-install.log
  # jax[cpu] pulls jaxlib; the explicit pins keep both at one version.
  if ! "$venv/bin/pip" install --disable-pip-version-check --timeout 30 --retries 2 \
      "${pins[0]}" "jax[cpu]==0.10.2" "${pins[@]:1}" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    if grep -q "CERTIFICATE_VERIFY_FAILED" "$log"; then
      echo "make_venv.sh: pip reached PyPI but could not verify its certificate (a network that inspects TLS needs" \
           "its CA in the system's bundle, or PIP_CERT pointing at one). The interop tests need real Keras and" \
           "fail without it." >&2
    elif grep -qiE "connection|resolve|network|timed out|No matching distribution|Temporary failure" "$log"; then
      echo "make_venv.sh: pip could not install the pinned packages from PyPI (is PyPI reachable from here? a proxy" \
           "may need PIP_INDEX_URL). The interop tests need real Keras and fail without it." >&2
    else
      echo "make_venv.sh: pip failed to install ${pins[*]} (log: $log)." >&2
    fi
    rm -f "$stamp"
    exit 1
  fi
  printf '%s\n' "$wanted" >"$stamp"
  echo "interop venv made in $(( $(date +%s) - start )) s: $venv"
fi
KERAS_BACKEND=jax JAX_PLATFORMS=cpu "$venv/bin/python" -c \
  'import keras, jax, h5py, numpy; print("Keras", keras.__version__, "jax", jax.__version__, "h5py", h5py.__version__, "numpy", numpy.__version__, "backend", keras.backend.backend())'
