#!/usr/bin/env bash
# README command 2: install what is missing, build, and run every test (unit, gui, interop, gpu).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
install_missing
configure_and_build
cd "$build"
# Two test processes on two cores; each test sets OPENBLAS_NUM_THREADS=1 (tests/CMakeLists.txt).
ctest --output-on-failure --timeout 1200 -j 2 "$@"
