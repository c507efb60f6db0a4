#!/usr/bin/env bash
# Builds the Debian package, oneall-bulk_VERSION_ARCH.deb, in a Release build directory of its
# own (BUILD_DIR, default build-package), and fails if lintian reports an error in it. Prints
# the package's path; install it with `apt install ./PATH`. Needs dpkg-dev, file and lintian
# (scripts/setup.sh --tests installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-package}

for tool in dpkg-shlibdeps file lintian; do
  command -v "$tool" >/dev/null ||
    { echo "package: $tool is missing; run: bash scripts/setup.sh --tests" >&2; exit 1; }
done
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DONEALL_TESTS=OFF >/dev/null
cmake --build "$build" --target oneall-bulk oneall_completions -j"$(nproc)"
(cd "$build" && cpack >/dev/null)
deb=$(ls "$build"/oneall-bulk_*.deb)
lintian --fail-on error "$deb"
echo "$deb"
