# Shared by run.sh and test.sh: install what is missing (Debian 12, as root), then configure and build.
# A second run installs nothing and rebuilds only what changed (ccache keeps compiled objects).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${CORNU_BUILD_DIR:-$root/build}

packages=(build-essential cmake ninja-build ccache pkg-config git
          libopenblas-dev libhdf5-dev libzip-dev zlib1g-dev nlohmann-json3-dev libgraphviz-dev
          qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev libgl-dev
          fonts-dejavu-core file dataset-fashion-mnist wamerican python3 python3-venv xvfb xauth)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

configure_and_build() {
  export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
  export CCACHE_BASEDIR=$root  # paths relative to the checkout: another clone reuses the same cache entries
  if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCORNU_WARNINGS_AS_ERRORS=ON "$@"
  fi
  cmake --build "$build" -j "$(nproc)"
}
