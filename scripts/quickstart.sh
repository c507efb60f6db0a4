#!/usr/bin/env bash
# Installs what is missing, builds, installs oneall-bulk under /usr/local (the binary on the
# PATH, its man page and shell completions), and runs the sample cleanup job against the
# built-in sandbox. Run it again: the jobs are already queued and done, so nothing is sent twice.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target oneall-bulk oneall_completions -j"$(nproc)"
cmake --install build >/dev/null  # /usr/local; `xargs rm < build/install_manifest.txt` undoes it
echo "installed: $(command -v oneall-bulk)"
oneall-bulk run --sandbox jobs/examples/cleanup.yaml
oneall-bulk status --db oneall-bulk-sandbox.db  # run --sandbox keeps its own queue
