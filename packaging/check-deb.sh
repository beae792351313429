#!/usr/bin/env bash
# Installs the .deb in a fresh, minimal Debian 12 root, as on a clean machine, and runs the installed `cornu`:
# its version, its versions report, one epoch of the XOR demo, a diagram (Graphviz's plugins through the
# RUNPATH, the packaged font) and the editor on Qt's offscreen platform; then looks for the .cornu type in
# the MIME database. Needs root (debootstrap, chroot) and the Debian mirror; the base root is cached in
# /tmp/fresh-bookworm.tar (as ../shared/tools/fresh-debian.sh does).
# Usage: bash packaging/check-deb.sh [PACKAGE.deb]   (default: the newest build/packages/cornu_*.deb)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
deb=$(readlink -f "${1:-$(ls -t "$here"/../build/packages/cornu_*.deb 2>/dev/null | head -n 1)}")
[ -f "$deb" ] || { echo "No .deb to check: run packaging/package.sh first, or give the package's path." >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "check-deb.sh needs root (it builds a Debian root with debootstrap and chroots into it)." >&2; exit 1; }
root=${FRESH_ROOT:-/tmp/cornu-deb-root}; base=/tmp/fresh-bookworm.tar
mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
if [ ! -s "$base" ]; then
  rm -rf "$root.base"; debootstrap --variant=minbase bookworm "$root.base" "$mirror" >/tmp/cornu-debootstrap.log 2>&1
  tar -C "$root.base" -cf "$base" . && rm -rf "$root.base"
fi
for m in dev/pts dev proc sys; do umount "$root/$m" 2>/dev/null || true; done
rm -rf "$root"; mkdir -p "$root"; tar -C "$root" -xf "$base"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mount --bind /dev "$root/dev"; mount --bind /dev/pts "$root/dev/pts"; mount -t proc proc "$root/proc"; mount -t sysfs sys "$root/sys"
trap 'for m in dev/pts dev proc sys; do umount "$root/$m" 2>/dev/null || true; done' EXIT
cp "$deb" "$root/tmp/"
proxy=$(env | grep -iE '^(https?_proxy|no_proxy)=' | tr '\n' ' ' || true)
in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin $proxy bash -c "$1"; }
echo "Installing $(basename "$deb") into a fresh Debian 12 root ($root)"
in_root "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./tmp/$(basename "$deb") >/tmp/apt.log 2>&1 || { tail -n 30 /tmp/apt.log; exit 1; }"
in_root "cd /tmp && set -x && cornu --version && cornu info && cornu train --demo xor --epochs 1 &&
  cornu demos --write /tmp/demos && cornu export /tmp/demos/xor.cornu --to /tmp/xor.png &&
  QT_QPA_PLATFORM=offscreen cornu gui --example xor --screenshot /tmp/editor.png && test -s /tmp/editor.png &&
  grep -q 'application/x-cornu-project:\\*.cornu' /usr/share/mime/globs2"
echo "The .deb installs on a fresh Debian 12; its cornu trains the XOR demo, draws a diagram and opens the editor."
