#!/usr/bin/env bash
# Import speed and memory: generates a CSV job file of ROWS valid rows (pin updates and deletes),
# imports it with `oneall-bulk import` into a fresh database, then imports the same file with
# sqlite3's own `.import` into a plain table (the floor for CSV -> SQLite), and prints rows/s for
# both, their ratio, and our peak RSS. Usage:
#   bench/import/run.sh [ROWS]            (default 1000000)
#   ONEALL_BINARY=path/to/oneall-bulk bench/import/run.sh
# Build the binary with optimisation first, e.g.
#   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DONEALL_TESTS=OFF
#   cmake --build build-release -j2 --target oneall-bulk
set -euo pipefail
rows="${1:-1000000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
binary="${ONEALL_BINARY:-$root/build-release/oneall-bulk}"
[ -x "$binary" ] || { echo "no binary at $binary (set ONEALL_BINARY)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed: apt-get install sqlite3" >&2; exit 2; }
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time for peak RSS" >&2
  apt-get install -y time >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/oneall-bench-import.XXXXXX")"
trap 'rm -rf "$work"' EXIT
csv="$work/jobs.csv"

# Half updates (link and a quoted description with a comma), half deletes, two identities.
awk -v rows="$rows" 'BEGIN {
  print "op,target,identity,object_id,link,description";
  ids[0] = "2af20011-8965-471b-8f6b-8b66a611aae6"; ids[1] = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
  for (i = 0; i < rows; i++) {
    id = ids[i % 2]; object = sprintf("3529696895%08d", i);
    if (i % 2 == 0) {
      printf "update,pinterest.pin,%s,%s,https://shop.example.com/tour?pin=%d,\"Tour photo, day %d\"\n", id, object, i, i % 31;
    } else {
      printf "delete,pinterest.pin,%s,%s,,\n", id, object;
    }
  }
}' >"$csv"
echo "file: $rows rows, $(du -m "$csv" | cut -f1) MiB"

seconds() { awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'; }

/usr/bin/time -v "$binary" import "$csv" --db "$work/queue.db" >"$work/ours.out" 2>"$work/ours.time"
ours_s="$(grep 'Elapsed (wall clock)' "$work/ours.time" | awk '{print $NF}' | seconds)"
ours_kib="$(grep 'Maximum resident set size' "$work/ours.time" | awk '{print $NF}')"
echo "oneall-bulk import: $(cat "$work/ours.out")"

/usr/bin/time -v sqlite3 "$work/floor.db" -cmd '.mode csv' ".import '$csv' jobs" \
  2>"$work/floor.time" >/dev/null
floor_s="$(grep 'Elapsed (wall clock)' "$work/floor.time" | awk '{print $NF}' | seconds)"
floor_rows="$(sqlite3 "$work/floor.db" 'SELECT count(*) FROM jobs')"

awk -v r="$rows" -v o="$ours_s" -v f="$floor_s" -v k="$ours_kib" -v fr="$floor_rows" 'BEGIN {
  printf "oneall-bulk import : %8.2f s  %10.0f rows/s  peak RSS %.1f MiB\n", o, r / o, k / 1024;
  printf "sqlite3 .import    : %8.2f s  %10.0f rows/s  (%d rows)\n", f, fr / f, fr;
  printf "ratio (ours/floor) : %.2f\n", (r / o) / (fr / f);
}'

# YAML: the same jobs as a YAML file, validated, imported and dry-run (bench/import/yaml.sh).
"$(dirname "$0")/yaml.sh" "$rows"
