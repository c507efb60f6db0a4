#!/usr/bin/env bash
# The shared store against the embedded one (issue 17). Prints, from one run of this script:
#   - one runner: 20,000 pin updates against nginx on loopback, 64 in flight, queued in SQLite
#     and in PostgreSQL (a throw-away cluster on a Unix socket, scripts/pg_test_cluster.sh:
#     fsync off, so the server's disk is not what is measured); req/s of each, their ratio
#     (aim: PostgreSQL at least half SQLite's), RUNS times each, medians.
#   - three runners on one PostgreSQL queue, the same 20,000 jobs, 64 in flight each, started
#     together: req/s from the first start to the last end, against one runner's.
#   - the rate the sandbox received with three runners at --rate 300 each (the queue's rate).
# Usage: bench/pg/run.sh [--runs N] [--skip-build]
#   ONEALL_BINARY=path   use this binary instead of building build-bench/ (RelWithDebInfo)
#   BENCH_RUN_DIR=dir    scratch directory (default /tmp/oneall-bench-pg-$UID)
# Needs postgresql-15 (scripts/setup.sh --tests), nginx and GNU time; root for the apt installs.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runner_bench="$root/bench/runner"
runs=3
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    *) sed -n '2,14p' "$0" >&2; exit 2 ;;
  esac
done

N=20000
CONCURRENCY=64
NGINX=http://127.0.0.1:18190
export BENCH_RUN_DIR="${BENCH_RUN_DIR:-/tmp/oneall-bench-pg-$(id -u)}"
work="$BENCH_RUN_DIR/work"
pg_state="$BENCH_RUN_DIR/pg.state"

missing=()
command -v nginx >/dev/null || missing+=(nginx-light)
[ -x /usr/bin/time ] || missing+=(time)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  apt-get install -y "${missing[@]}" >/dev/null
fi

binary="${ONEALL_BINARY:-$root/build-bench/oneall-bulk}"
if [ -z "${ONEALL_BINARY:-}" ] && [ "$build" = 1 ]; then
  cmake -S "$root" -B "$root/build-bench" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONEALL_TESTS=OFF \
    >/dev/null
  cmake --build "$root/build-bench" -j2 --target oneall-bulk >/dev/null
fi
[ -x "$binary" ] || { echo "no binary at $binary" >&2; exit 2; }

cleanup() {
  "$runner_bench/servers.sh" stop || true
  "$root/scripts/pg_test_cluster.sh" stop "$pg_state" || true
  rm -rf "$work"
}
trap cleanup EXIT
rm -rf "$work"
mkdir -p "$work"

now() { date +%s.%N; }
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

"$root/scripts/pg_test_cluster.sh" start "$pg_state"
admin_uri=$(cat "$pg_state")
db_counter=0
fresh_pg() {  # prints the URI of a new, empty database
  db_counter=$((db_counter + 1))
  local name="bench_$db_counter"
  psql -q "$admin_uri" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
  echo "${admin_uri/\/postgres\?//$name?}"
}

# One run of `runners` processes on `db` (after importing the jobs, untimed); sets rate.
timed_runs() {  # db runners [extra run options...]
  local db="$1" runners="$2"
  shift 2
  "$binary" import --db "$db" "$work/nginx/jobs.csv" >/dev/null
  local t0 t1 pids=()
  t0=$(now)
  for i in $(seq "$runners"); do
    "$binary" run --db "$db" --endpoint "$NGINX" --concurrency $CONCURRENCY --quiet "$@" \
      >"$work/run$i.out" 2>"$work/run$i.err" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    wait "$pid" || { echo "a run failed:" >&2; cat "$work"/run*.err >&2; exit 1; }
  done
  t1=$(now)
  local done_jobs
  done_jobs=$("$binary" status --db "$db" --json | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["states"]["succeeded"])')
  [ "$done_jobs" = "$N" ] || { echo "only $done_jobs of $N succeeded" >&2; exit 1; }
  rate=$(echo "$N / ($t1 - $t0)" | bc -l)
}

echo "machine: $(nproc) CPUs, kernel $(uname -r); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "peers: PostgreSQL $(/usr/lib/postgresql/15/bin/postgres --version | awk '{print $3}'), $(nginx -v 2>&1 | cut -d' ' -f3)"
echo

python3 "$runner_bench/gen_jobs.py" $N 18190 "$work/nginx" --csv-only
"$runner_bench/servers.sh" start-nginx >/dev/null
export ONEALL_SUBDOMAIN=bench ONEALL_PUBLIC_KEY=bench-public-key ONEALL_PRIVATE_KEY=bench-private-key
export ONEALL_BULK_DB=

sqlite_rates=() pg_rates=() three_rates=()
for r in $(seq "$runs"); do
  rm -f "$work/q.db" "$work/q.db-wal" "$work/q.db-shm"
  timed_runs "$work/q.db" 1
  sqlite_rates+=("$rate")
  timed_runs "$(fresh_pg)" 1
  pg_rates+=("$rate")
  timed_runs "$(fresh_pg)" 3
  three_rates+=("$rate")
  printf '  round %d: SQLite %6.0f  PostgreSQL %6.0f  3 runners on PostgreSQL %6.0f req/s\n' \
    "$r" "${sqlite_rates[-1]}" "${pg_rates[-1]}" "${three_rates[-1]}"
done
s=$(median "${sqlite_rates[@]}")
p=$(median "${pg_rates[@]}")
t=$(median "${three_rates[@]}")
echo
echo "one runner, $N pin updates against nginx, $CONCURRENCY in flight (medians of $runs):"
printf '  SQLite queue       : %8.0f req/s\n' "$s"
printf '  PostgreSQL queue   : %8.0f req/s  = %.2f x SQLite (aim >= 0.5)\n' "$p" "$(echo "$p / $s" | bc -l)"
printf '  3 runners, PostgreSQL: %6.0f req/s  = %.2f x one runner on PostgreSQL\n' "$t" "$(echo "$t / $p" | bc -l)"

# The queue's rate: three runners at --rate 300 each against the sandbox, measured there.
"$runner_bench/servers.sh" stop >/dev/null
"$runner_bench/servers.sh" start-sandbox "$binary" 5 >/dev/null
RATE_N=3000
python3 "$runner_bench/gen_jobs.py" $RATE_N 18191 "$work/rate" --csv-only
db=$(fresh_pg)
"$binary" import --db "$db" "$work/rate/jobs.csv" >/dev/null
export ONEALL_SUBDOMAIN=sandbox ONEALL_PUBLIC_KEY=sandbox-public-key ONEALL_PRIVATE_KEY=sandbox-private-key
pids=()
for i in 1 2 3; do
  "$binary" run --db "$db" --endpoint http://127.0.0.1:18191 --concurrency 16 --rate 300 --quiet &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
curl -s http://127.0.0.1:18191/sandbox/received | python3 -c '
import json, sys
times = json.load(sys.stdin)["received_us"]
span = (times[-1] - times[0]) / 1e6
print(f"3 runners at --rate 300 each: {len(times)} requests in {span:.2f} s = {(len(times) - 1) / span:.1f}/s at the sandbox (aim 300 +- 5 %)")'
