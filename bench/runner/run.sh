#!/usr/bin/env bash
# The runner against its peers (issue 6). Prints, from one run of this script:
#   - nginx case: 20,000 pin-update PUTs (a different body each), 64 in flight, curl 7.88's
#     --parallel mode vs `oneall-bulk run` with the queue and the audit on. Alternated, RUNS
#     times each (median), each oneall-bulk run on a fresh queue: the import is not timed with
#     the run (its time is reported apart). req/s of each, the ratio, peak RSS of each.
#   - latency case: `oneall-bulk sandbox --latency 50` as its own process, 5,000 jobs, 64 in
#     flight: achieved / (64 / 0.05 s) for oneall-bulk (and curl, for reference).
#   - the sandbox's headroom: wrk with 64 and 256 connections against the same sandbox, vs 3x
#     what the latency case needs (3 x 1,280 req/s). At 50 ms a connection carries at most
#     20 req/s, so 3x needs more than 192 connections: 256 (the sandbox command's default
#     --threads is 256, one thread per connection).
#   - with --big: peak RSS of a run with 1,000,000 jobs queued (against nginx; bounded by
#     BIG_DEADLINE, default 120s: the queue is read in windows, so the peak comes early).
#
# Usage: bench/runner/run.sh [--runs N] [--big] [--skip-build] [--only nginx|latency|headroom]
#   ONEALL_BINARY=path   use this binary instead of building build-bench/ (RelWithDebInfo)
#   BENCH_RUN_DIR=dir    scratch directory (default /tmp/oneall-bench-runner-$UID)
# Needs root for the apt installs of what is missing (nginx-light, wrk, time).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runs=5
big=0
build=1
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --big) big=1; shift ;;
    --skip-build) build=0; shift ;;
    --only) only="$2"; shift 2 ;;
    *) sed -n '2,17p' "$0" >&2; exit 2 ;;
  esac
done
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }

N=20000
LATENCY_N=5000
CONCURRENCY=64
NGINX=http://127.0.0.1:18190
SANDBOX=http://127.0.0.1:18191
export BENCH_RUN_DIR="${BENCH_RUN_DIR:-/tmp/oneall-bench-runner-$(id -u)}"
work="$BENCH_RUN_DIR/work"

# --- tools -----------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  apt-get install -y "${missing[@]}" >/dev/null
fi

# --- binary: optimised, in a build directory of its own ---------------------------------------
binary="${ONEALL_BINARY:-$root/build-bench/oneall-bulk}"
if [ -z "${ONEALL_BINARY:-}" ] && [ "$build" = 1 ]; then
  cmake -S "$root" -B "$root/build-bench" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONEALL_TESTS=OFF \
    >/dev/null
  cmake --build "$root/build-bench" -j2 --target oneall-bulk >/dev/null
fi
[ -x "$binary" ] || { echo "no binary at $binary" >&2; exit 2; }

# --- servers, stopped however the script ends --------------------------------------------------
cleanup() { "$here/servers.sh" stop || true; rm -rf "$work"; }
trap cleanup EXIT
rm -rf "$work"
mkdir -p "$work"

# --- helpers -----------------------------------------------------------------------------------
now() { date +%s.%N; }
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
rss_mib() { awk '/Maximum resident set size/ { printf "%.1f", $NF / 1024 }' "$1"; }

# A fresh queue with `csv` imported (untimed for the run; its own time goes to import_s).
fresh_queue() {  # db csv
  rm -f "$1" "$1"-wal "$1"-shm "$1".lock
  local t0 t1
  t0=$(now)
  "$binary" import --db "$1" "$2" >/dev/null
  t1=$(now)
  import_s=$(echo "$t1 - $t0" | bc -l)
}

# One oneall-bulk run; sets run_s, run_rss and checks every job succeeded.
ours() {  # db endpoint expected_jobs
  local t0 t1
  t0=$(now)
  /usr/bin/time -v "$binary" run --db "$1" --endpoint "$2" --concurrency $CONCURRENCY --json \
    >"$work/ours.json" 2>"$work/ours.time" || {
    echo "oneall-bulk run failed:" >&2; cat "$work/ours.json" "$work/ours.time" >&2; exit 1; }
  t1=$(now)
  run_s=$(echo "$t1 - $t0" | bc -l)
  run_rss=$(rss_mib "$work/ours.time")
  local ok
  ok=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["succeeded"])' "$work/ours.json")
  [ "$ok" = "$3" ] || { echo "only $ok of $3 jobs succeeded" >&2; cat "$work/ours.json" >&2; exit 1; }
}

# One curl --parallel run of a -K config; sets run_s, run_rss.
theirs() {  # cfg
  local t0 t1
  t0=$(now)
  /usr/bin/time -v curl --no-progress-meter -s --fail --parallel --parallel-max $CONCURRENCY \
    -K "$1" >/dev/null 2>"$work/curl.time" || {
    echo "curl failed:" >&2; cat "$work/curl.time" >&2; exit 1; }
  t1=$(now)
  run_s=$(echo "$t1 - $t0" | bc -l)
  run_rss=$(rss_mib "$work/curl.time")
}

echo "machine: $(nproc) CPUs, $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2 }'), kernel $(uname -r)"
echo "peers: $(curl --version | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | cut -d' ' -f3), $("$binary" --version 2>/dev/null || echo oneall-bulk)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# --- nginx case -------------------------------------------------------------------------------
if want nginx; then
  python3 "$here/gen_jobs.py" $N 18190 "$work/nginx"
  "$here/servers.sh" start-nginx
  export ONEALL_SUBDOMAIN=bench ONEALL_PUBLIC_KEY=bench-public-key ONEALL_PRIVATE_KEY=bench-private-key
  # One untimed warm-up of each side (page cache, nginx workers, the binary's pages).
  theirs "$work/nginx/curl.cfg"
  fresh_queue "$work/q.db" "$work/nginx/jobs.csv"
  ours "$work/q.db" $NGINX $N
  ours_s=(); ours_rss=(); curl_s=(); curl_rss=(); imports=()
  for i in $(seq "$runs"); do
    theirs "$work/nginx/curl.cfg"; curl_s+=("$run_s"); curl_rss+=("$run_rss")
    fresh_queue "$work/q.db" "$work/nginx/jobs.csv"; imports+=("$import_s")
    ours "$work/q.db" $NGINX $N; ours_s+=("$run_s"); ours_rss+=("$run_rss")
    printf 'run %d: curl %6.0f req/s %5.1f MiB | oneall-bulk %6.0f req/s %5.1f MiB (import %.2f s)\n' \
      "$i" "$(echo "$N / ${curl_s[-1]}" | bc -l)" "${curl_rss[-1]}" \
      "$(echo "$N / ${ours_s[-1]}" | bc -l)" "${ours_rss[-1]}" "$import_s"
  done
  cs=$(median "${curl_s[@]}"); os=$(median "${ours_s[@]}")
  printf '\nnginx case, %d PUTs, %d in flight, median of %d alternated runs:\n' $N $CONCURRENCY "$runs"
  printf '  curl --parallel   : %8.0f req/s  peak RSS %5.1f MiB\n' "$(echo "$N / $cs" | bc -l)" "$(median "${curl_rss[@]}")"
  printf '  oneall-bulk run   : %8.0f req/s  peak RSS %5.1f MiB  (queue + audit on)\n' "$(echo "$N / $os" | bc -l)" "$(median "${ours_rss[@]}")"
  printf '  ratio runner/curl : %8.2f  (target >= 1.5)\n' "$(echo "$cs / $os" | bc -l)"
  # Each pair ran back to back, so its ratio is spared the machine's drift between pairs; the
  # spread says how far one run of this script can be trusted.
  pairs=(); for i in "${!curl_s[@]}"; do pairs+=("$(echo "${curl_s[$i]} / ${ours_s[$i]}" | bc -l)"); done
  printf '  per pair          : %s (median %.2f)\n' "$(printf '%.2f ' "${pairs[@]}")" "$(median "${pairs[@]}")"
  printf '  import (untimed above): %.2f s = %.0f rows/s\n\n' "$(median "${imports[@]}")" "$(echo "$N / $(median "${imports[@]}")" | bc -l)"
  "$here/servers.sh" stop
fi

# --- latency case and the sandbox's headroom --------------------------------------------------
if want latency || want headroom; then
  "$here/servers.sh" start-sandbox "$binary" 50
  export ONEALL_SUBDOMAIN=sandbox ONEALL_PUBLIC_KEY=sandbox-public-key ONEALL_PRIVATE_KEY=sandbox-private-key
fi
if want latency; then
  bound=$(echo "$CONCURRENCY / 0.05" | bc -l)
  python3 "$here/gen_jobs.py" $LATENCY_N 18191 "$work/latency"
  # The sandbox checks credentials: curl must send its keys, not the nginx ones.
  sed -i 's/^user = .*/user = "sandbox-public-key:sandbox-private-key"/' "$work/latency/curl.cfg"
  ours_s=(); ours_rss=(); curl_s=()
  for i in $(seq "$runs"); do
    theirs "$work/latency/curl.cfg"; curl_s+=("$run_s")
    fresh_queue "$work/q.db" "$work/latency/jobs.csv"
    ours "$work/q.db" $SANDBOX $LATENCY_N; ours_s+=("$run_s"); ours_rss+=("$run_rss")
  done
  cs=$(median "${curl_s[@]}"); os=$(median "${ours_s[@]}")
  printf 'latency case, sandbox at 50 ms, %d jobs, %d in flight (bound %.0f req/s), median of %d:\n' \
    $LATENCY_N $CONCURRENCY "$bound" "$runs"
  printf '  oneall-bulk run   : %6.0f req/s = %5.1f%% of the bound (target >= 95%%), peak RSS %.1f MiB\n' \
    "$(echo "$LATENCY_N / $os" | bc -l)" "$(echo "100 * $LATENCY_N / $os / $bound" | bc -l)" "$(median "${ours_rss[@]}")"
  printf '  curl --parallel   : %6.0f req/s = %5.1f%% of the bound\n\n' \
    "$(echo "$LATENCY_N / $cs" | bc -l)" "$(echo "100 * $LATENCY_N / $cs / $bound" | bc -l)"
fi
if want headroom; then
  need=$(echo "3 * $CONCURRENCY / 0.05" | bc -l)
  for c in 64 256; do
    wrk -t2 -c$c -d10s -s "$here/wrk_sandbox.lua" "$SANDBOX/" >"$work/wrk_$c.txt" 2>&1
    rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk_$c.txt")
    printf 'sandbox headroom: wrk -c%-3d at 50 ms: %6.0f req/s = %4.2fx the latency case'"'"'s need (target >= 3x = %.0f)%s\n' \
      $c "$rps" "$(echo "$rps / ($CONCURRENCY / 0.05)" | bc -l)" "$need" \
      "$(grep -q 'Non-2xx' "$work/wrk_$c.txt" && echo " [$(grep 'Non-2xx' "$work/wrk_$c.txt" | xargs)]" || true)"
  done
  echo
fi
"$here/servers.sh" stop

# --- 1,000,000 jobs queued ---------------------------------------------------------------------
if [ "$big" = 1 ]; then
  BIG=1000000
  python3 "$here/gen_jobs.py" $BIG 18190 "$work/big" --csv-only
  "$here/servers.sh" start-nginx
  export ONEALL_SUBDOMAIN=bench ONEALL_PUBLIC_KEY=bench-public-key ONEALL_PRIVATE_KEY=bench-private-key
  rm -f "$work/big.db"
  /usr/bin/time -v "$binary" import --db "$work/big.db" "$work/big/jobs.csv" >/dev/null 2>"$work/import.time"
  printf '1M jobs: import %s, peak RSS %s MiB\n' \
    "$(awk '/Elapsed/ { print $NF }' "$work/import.time")" "$(rss_mib "$work/import.time")"
  # Peak RSS is reached within the first windows (the runner reads the queue in windows, never
  # whole); BIG_DEADLINE (default 120s) bounds the run, the rest stays queued (exit 4).
  t0=$(now)
  /usr/bin/time -v "$binary" run --db "$work/big.db" --endpoint $NGINX --concurrency $CONCURRENCY \
    --deadline "${BIG_DEADLINE:-120s}" --json >"$work/big.json" 2>"$work/big.time" || true
  t1=$(now)
  sent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["succeeded"])' "$work/big.json")
  printf '1M jobs: run %.1f s, %s sent = %.0f req/s, peak RSS %s MiB (target <= 64 MiB)\n' \
    "$(echo "$t1 - $t0" | bc -l)" "$sent" "$(echo "$sent / ($t1 - $t0)" | bc -l)" "$(rss_mib "$work/big.time")"
  "$here/servers.sh" stop
fi
