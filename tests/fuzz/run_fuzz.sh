#!/usr/bin/env bash
# Fuzzes a file reader with libFuzzer, ASan and UBSan: the .cornu project loader (fuzz_project_loader.cpp, the
# default) or the Keras model files (FUZZ_TARGET=fuzz_keras_h5 or fuzz_keras_archive, which need no GUI).
#
#   tests/fuzz/run_fuzz.sh [SECONDS] [JOBS]        e.g. tests/fuzz/run_fuzz.sh 600 2
#
# Configures its own build folder with clang (never the main build), builds fuzz_project_loader, copies the
# seed corpus (tests/fuzz/corpus, never written to) into the build folder and fuzzes for SECONDS (default 600)
# with JOBS parallel processes (default 2; use 1 on a busy machine).
#
# Environment:
#   FUZZ_TARGET   fuzz_project_loader (default), fuzz_keras_h5 or fuzz_keras_archive
#   BUILD_DIR     build folder (default: <source>/build-fuzz)
#   CLANG_SUFFIX  "-14" picks clang-14/clang++-14 (default: the newest clang-N found, else plain clang)
#   FUZZ_FORK=1   fork mode (-fork=JOBS -ignore_crashes=1): keeps fuzzing past crashes, collecting them all
#   FUZZ_ARGS     more libFuzzer flags, e.g. "-only_ascii=1"
#   NO_BUILD=1    skip configure and build (reuse the binary)
# Crashes land in $BUILD_DIR/fuzz/artifacts; the grown corpus in $BUILD_DIR/fuzz/corpus; logs in
# $BUILD_DIR/fuzz/logs. Replay one input:  $BUILD_DIR/tests/fuzz/fuzz_project_loader FILE
# Minimise a crash:  $BUILD_DIR/tests/fuzz/fuzz_project_loader -minimize_crash=1 -runs=100000 FILE
set -euo pipefail

SECONDS_TO_RUN=${1:-600}
JOBS=${2:-2}
SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$SOURCE_DIR/build-fuzz}
TARGET=${FUZZ_TARGET:-fuzz_project_loader}
if [[ "$TARGET" == fuzz_project_loader ]]; then
  SEEDS="$SOURCE_DIR/tests/fuzz/corpus"; WORK="$BUILD_DIR/fuzz"; DICT=(-dict="$SOURCE_DIR/tests/fuzz/project.dict")
else
  SEEDS="$SOURCE_DIR/tests/fuzz/corpus/$TARGET"; WORK="$BUILD_DIR/fuzz-$TARGET"; DICT=()
fi

if [[ -z "${CLANG_SUFFIX+x}" ]]; then
  CLANG_SUFFIX=""
  for v in 19 18 17 16 15 14; do
    if command -v "clang++-$v" >/dev/null; then CLANG_SUFFIX="-$v"; break; fi
  done
fi
CC_BIN=clang$CLANG_SUFFIX
CXX_BIN=clang++$CLANG_SUFFIX
command -v "$CXX_BIN" >/dev/null || { echo "run_fuzz.sh: $CXX_BIN not found (libFuzzer needs clang)" >&2; exit 1; }

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fsanitize=fuzzer-no-link"
SAN_LINK="-fsanitize=address,undefined"

if [[ "${NO_BUILD:-0}" != 1 ]]; then
  cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -G Ninja \
    -DCMAKE_C_COMPILER="$CC_BIN" -DCMAKE_CXX_COMPILER="$CXX_BIN" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCORNU_FUZZ=ON -DCORNU_WITH_CUDA=OFF -DCORNU_WARNINGS_AS_ERRORS=OFF \
    -DCMAKE_C_FLAGS="$SAN -fno-omit-frame-pointer" \
    -DCMAKE_CXX_FLAGS="$SAN -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS="$SAN_LINK" \
    -DCMAKE_SHARED_LINKER_FLAGS="$SAN_LINK" \
    -DCMAKE_MODULE_LINKER_FLAGS="$SAN_LINK"
  cmake --build "$BUILD_DIR" --target "$TARGET" -j "$(nproc)"
fi

FUZZER="$BUILD_DIR/tests/fuzz/$TARGET"
mkdir -p "$WORK/corpus" "$WORK/artifacts" "$WORK/logs"
# Seeds (crash reproducers included) go into the working corpus; tests/fuzz/corpus is only read.
find "$SEEDS" -maxdepth 1 -type f -exec cp -n {} "$WORK/corpus/" \;

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:symbolize=1}
export QT_QPA_PLATFORM=offscreen OPENBLAS_NUM_THREADS=1 CORNU_NUM_THREADS=1

ARGS=(-max_total_time="$SECONDS_TO_RUN" -max_len=65536 -rss_limit_mb=4096 -timeout=30
      "${DICT[@]}" -artifact_prefix="$WORK/artifacts/" -print_final_stats=1)
if [[ "${FUZZ_FORK:-0}" == 1 ]]; then
  ARGS+=(-fork="$JOBS" -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
elif [[ "$JOBS" -gt 1 ]]; then
  ARGS+=(-jobs="$JOBS" -workers="$JOBS")
fi
# shellcheck disable=SC2206
ARGS+=(${FUZZ_ARGS:-})

cd "$WORK/logs"  # -jobs writes fuzz-N.log into the current folder
echo "run_fuzz.sh: $FUZZER ${ARGS[*]} $WORK/corpus"
exec "$FUZZER" "${ARGS[@]}" "$WORK/corpus"
