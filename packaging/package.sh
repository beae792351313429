#!/usr/bin/env bash
# Builds Cornu and its packages: build/packages/cornu_VERSION_ARCH.deb and cornu-VERSION-Linux.tar.gz.
# Usage: bash packaging/package.sh [CMAKE OPTIONS...]   (CORNU_BUILD_DIR: the build folder, default build/)
# Install the .deb with `apt-get install ./build/packages/cornu_*.deb`, which pulls its dependencies in.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CORNU_BUILD_DIR:-$root/build}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache} CCACHE_BASEDIR=$root
for tool in cmake ninja cpack dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "package.sh needs $tool: run packaging/test.sh once (it installs the build tools), or apt-get install cmake ninja-build dpkg-dev." >&2; exit 1; }
done
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
fi
cmake --build "$build" --target cornu cornu_icons -j "$(nproc)"
cd "$build"
cpack --config CPackConfig.cmake -B "$build/packages"
rm -rf "$build/packages/_CPack_Packages"  # CPack's staging trees
ls -l "$build/packages"
