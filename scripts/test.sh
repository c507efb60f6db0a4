#!/usr/bin/env bash
# Builds oneall-bulk and runs the whole test suite (all labels), as CI does.
# Usage: bash scripts/test.sh            (build dir: build/)
#        ONEALL_SANITIZE=ON BUILD_DIR=build-asan bash scripts/test.sh   (ASan/UBSan build)
#        ONEALL_TSAN=ON BUILD_DIR=build-tsan bash scripts/test.sh       (ThreadSanitizer build)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --tests
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONEALL_WERROR=ON \
  -DONEALL_SANITIZE="${ONEALL_SANITIZE:-OFF}" -DONEALL_TSAN="${ONEALL_TSAN:-OFF}"
cmake --build "$build_dir" -j"$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)" --timeout 300
