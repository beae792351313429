#!/usr/bin/env bash
# Checks the .deb without installing it: packs the build (into a temporary folder, leaving build/packages
# alone), then reads the package with dpkg-deb. The CTest test unit.package_contents runs it.
# Usage: bash packaging/check-package.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$build" && cpack -G DEB --config CPackConfig.cmake -B "$work" >"$work/cpack.log" 2>&1) || {
  cat "$work/cpack.log" >&2; echo "cpack could not build the .deb (log above)." >&2; exit 1; }
deb=$(ls "$work"/cornu_*.deb)
contents=$(dpkg-deb --contents "$deb" | awk '{print $6}')
depends=$(dpkg-deb --field "$deb" Depends)
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

for path in ./usr/bin/cornu ./usr/share/applications/cornu.desktop ./usr/share/mime/packages/cornu.xml \
            ./usr/share/metainfo/io.github.cornu.Cornu.metainfo.xml ./usr/share/icons/hicolor/scalable/apps/cornu.svg; do
  grep -qx "$path" <<<"$contents" || fail "the .deb lacks $path"
done
for size in 16 32 48 64 128 256 512; do
  grep -qx "./usr/share/icons/hicolor/${size}x${size}/apps/cornu.png" <<<"$contents" || fail "the .deb lacks the ${size}x${size} icon"
done
# What `cornu` links (found by dpkg-shlibdeps) and what it loads at run time (declared by hand).
for package in libqt6widgets6 libqt6core6 libqt6svg6 libqt6charts6 libhdf5-103-1 libgvc6 libopenblas0 fonts-dejavu-core; do
  grep -qE "(^|, )$package( |,|$)" <<<"$depends" || fail "Depends does not name $package: $depends"
done
[ "$(dpkg-deb --field "$deb" Recommends)" = "dataset-fashion-mnist, wamerican" ] || fail "Recommends is not dataset-fashion-mnist, wamerican"
[ "$(dpkg-deb --field "$deb" Section)" = science ] || fail "Section is not science"

# The PNG icons are real images of their size, and the desktop entry starts the packaged binary.
dpkg-deb -x "$deb" "$work/root"
for size in 16 512; do
  head -c 24 "$work/root/usr/share/icons/hicolor/${size}x${size}/apps/cornu.png" | od -An -tx1 | tr -d ' \n' |
    grep -q "^89504e470d0a1a0a0000000d49484452$(printf '%08x%08x' "$size" "$size")" || fail "the ${size}x${size} icon is not a ${size}x${size} PNG"
done
grep -qx "Exec=cornu %f" "$work/root/usr/share/applications/cornu.desktop" || fail "cornu.desktop does not run 'cornu %f'"
grep -qx "MimeType=application/x-cornu-project;" "$work/root/usr/share/applications/cornu.desktop" || fail "cornu.desktop does not open .cornu files"
grep -q "application/x-cornu-project" "$work/root/usr/share/mime/packages/cornu.xml" || fail "cornu.xml does not declare application/x-cornu-project"
version=$("$work/root/usr/bin/cornu" --version) || fail "the packaged cornu does not start: $(ldd "$work/root/usr/bin/cornu" | grep 'not found')"
[ "$version" = "cornu $(dpkg-deb --field "$deb" Version)" ] || fail "the packaged cornu says '$version', the package $(dpkg-deb --field "$deb" Version)"

[ $failures -eq 0 ] || exit 1
echo "$(basename "$deb"): binary, desktop entry, MIME type, metainfo and icons present; Depends: $depends"
