#!/usr/bin/env bash
# Where a run's time goes, on the nginx case of run.sh. Two views:
#   - perf record (cpu-clock sampling, kernel included: system calls are a large part of this
#     workload) of a 20,000-job run; hardware counters are often missing in VMs, so no
#     `instructions` event is assumed.
#   - callgrind (instructions, user space only) of a smaller run (2,000 jobs), for exact shares.
# Usage: bench/runner/profile.sh [perf|callgrind|both]   (ONEALL_BINARY as in run.sh; build
# with RelWithDebInfo so symbols and inlining match the benchmark)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
binary="${ONEALL_BINARY:-$root/build-bench/oneall-bulk}"
what="${1:-both}"
export BENCH_RUN_DIR="${BENCH_RUN_DIR:-/tmp/oneall-bench-runner-$(id -u)}"
out="$BENCH_RUN_DIR/profile"
mkdir -p "$out"
trap '"$here/servers.sh" stop || true' EXIT
export ONEALL_SUBDOMAIN=bench ONEALL_PUBLIC_KEY=bench-public-key ONEALL_PRIVATE_KEY=bench-private-key
"$here/servers.sh" start-nginx

queue() {  # n -> a fresh queue at $out/q.db
  python3 "$here/gen_jobs.py" "$1" 18190 "$out/jobs" --csv-only
  rm -f "$out"/q.db*
  "$binary" import --db "$out/q.db" "$out/jobs/jobs.csv" >/dev/null
}

if [ "$what" = perf ] || [ "$what" = both ]; then
  queue 20000
  perf record -e cpu-clock -F 2000 -g -o "$out/perf.data" -- \
    "$binary" run --db "$out/q.db" --endpoint http://127.0.0.1:18190 --concurrency 64 --quiet \
    2>"$out/perf.record.log"
  perf report -i "$out/perf.data" --no-children --sort dso --stdio 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | head -12
  echo
  perf report -i "$out/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | head -45
  echo "full report: perf report -i $out/perf.data"
fi

if [ "$what" = callgrind ] || [ "$what" = both ]; then
  queue 2000
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
    "$binary" run --db "$out/q.db" --endpoint http://127.0.0.1:18190 --concurrency 64 --quiet \
    2>"$out/callgrind.log"
  # Inclusive shares of the areas that matter, then the top functions by their own cost.
  callgrind_annotate --inclusive=yes "$out/callgrind.out" 2>/dev/null | head -60
  echo
  callgrind_annotate "$out/callgrind.out" 2>/dev/null | head -45
  echo "full report: callgrind_annotate $out/callgrind.out"
fi
