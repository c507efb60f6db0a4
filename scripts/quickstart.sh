#!/usr/bin/env bash
# Installs what is missing, builds, and runs the sample cleanup job against the built-in
# sandbox. Run it again: the jobs are already queued and done, so nothing is sent twice.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target oneall-bulk -j"$(nproc)"
./build/oneall-bulk run --sandbox jobs/examples/cleanup.yaml
./build/oneall-bulk status --db oneall-bulk-sandbox.db  # run --sandbox keeps its own queue
