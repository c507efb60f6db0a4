#!/usr/bin/env bash
# Import speed and memory (bench/README.md, "import"). In one run, at ROWS rows:
#   csv      a CSV job file of ROWS valid rows (pin updates and deletes) imported with
#            `oneall-bulk import` into a fresh SQLite queue, then the same file with sqlite3's own
#            `.import` into a plain table (the floor for CSV -> SQLite): rows/s of both, their
#            ratio, our peak RSS; then a second, different file of ROWS rows into the queue that
#            already holds the first, and its ratio to the same floor. And SQLite's own part of
#            the first import, measured apart (sqlite_part): the bound on its ratio.
#   pg       the first file imported into PostgreSQL, on a throw-away cluster started with
#            scripts/pg_test_cluster.sh (as the tests do): rows/s and our peak RSS.
#   yaml     the same jobs as a YAML file, validated, imported and dry-run (bench/import/yaml.sh).
# Usage:
#   bench/import/run.sh [ROWS]            (default 1000000)
#   ONEALL_BINARY=path/to/oneall-bulk bench/import/run.sh
#   BENCH_CASES="csv" bench/import/run.sh 200000      (a subset of the cases; default all)
# Build the binary with optimisation first, e.g.
#   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DONEALL_TESTS=OFF
#   cmake --build build-release -j2 --target oneall-bulk
set -euo pipefail
rows="${1:-1000000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
binary="${ONEALL_BINARY:-$root/build-release/oneall-bulk}"
cases="${BENCH_CASES:-csv pg yaml}"
[ -x "$binary" ] || { echo "no binary at $binary (set ONEALL_BINARY)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is needed: apt-get install sqlite3" >&2; exit 2; }
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time for peak RSS" >&2
  apt-get install -y time >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/oneall-bench-import.XXXXXX")"
pg_state="$work/pg.state"
cleanup() {
  [ -f "$pg_state" ] && bash "$root/scripts/pg_test_cluster.sh" stop "$pg_state" || true
  rm -rf "$work"
}
trap cleanup EXIT

# ---- shared helpers ------------------------------------------------------------------------

seconds() { awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'; }

# timed NAME COMMAND...: runs COMMAND under GNU time; its stdout in $work/NAME.out, and sets
# timed_s (wall seconds) and timed_kib (peak RSS). Every command here ends by syncing what it
# wrote; the files written before it (the generated CSV, the step before) are synced first, so
# that their writing back to disk does not land in its time.
timed() {
  local name="$1"; shift
  sync
  /usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.time" ||
    { cat "$work/$name.time" >&2; exit 1; }
  timed_s="$(grep 'Elapsed (wall clock)' "$work/$name.time" | awk '{print $NF}' | seconds)"
  timed_kib="$(grep 'Maximum resident set size' "$work/$name.time" | awk '{print $NF}')"
}

# ---- CSV into SQLite -----------------------------------------------------------------------

# csv_file PATH OBJECT_PREFIX: ROWS rows, half updates (link and a quoted description with a
# comma), half deletes, two identities; the prefix makes the objects (so the jobs) differ.
csv_file() {
  awk -v rows="$rows" -v prefix="$2" 'BEGIN {
    print "op,target,identity,object_id,link,description";
    ids[0] = "2af20011-8965-471b-8f6b-8b66a611aae6"; ids[1] = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    for (i = 0; i < rows; i++) {
      id = ids[i % 2]; object = sprintf("%s%08d", prefix, i);
      if (i % 2 == 0) {
        printf "update,pinterest.pin,%s,%s,https://shop.example.com/tour?pin=%d,\"Tour photo, day %d\"\n", id, object, i, i % 31;
      } else {
        printf "delete,pinterest.pin,%s,%s,,\n", id, object;
      }
    }
  }' >"$1"
}

# sqlite_part QUEUE: SQLite's own part of the import just made into QUEUE, measured apart: its
# jobs added by SQLite alone to an empty queue of the same schema and page size, as the import
# adds them (in id order into a rollback-journal file, with no statement journal; then the keys
# sorted into job_keys and the per-object index built, on two threads as the import sorts), with
# no reading, checking, rendering or hashing. Sets timed_s.
sqlite_part() {
  local source="$1" target="$work/sqlite-part.db"
  rm -f "$target"
  { echo "PRAGMA page_size = $(sqlite3 "$source" 'PRAGMA page_size');"; sqlite3 "$source" .schema; } |
    sqlite3 "$target"
  timed part sqlite3 "$target" "PRAGMA journal_mode=DELETE; PRAGMA synchronous=NORMAL;
    PRAGMA cache_size=-32768; PRAGMA temp_store=FILE; ATTACH '$source' AS src;
    DROP INDEX jobs_by_object; BEGIN;
    INSERT INTO batches SELECT * FROM src.batches;
    INSERT OR FAIL INTO jobs SELECT * FROM src.jobs ORDER BY id;
    PRAGMA cache_size=-4096; PRAGMA threads=1;
    INSERT OR FAIL INTO job_keys SELECT job_key, id FROM jobs ORDER BY job_key, id;
    CREATE INDEX jobs_by_object ON jobs (object_hash, id) WHERE state IN ('pending', 'running');
    COMMIT;"
  rm -f "$target"
}

csv_case() {
  local first="$work/jobs.csv" second="$work/jobs2.csv"
  csv_file "$first" 3529696895
  csv_file "$second" 4529696895
  echo "csv: $rows rows, $(du -m "$first" | cut -f1) MiB a file"

  timed floor sqlite3 "$work/floor.db" -cmd '.mode csv' ".import '$first' jobs"
  local floor_s="$timed_s" floor_rows
  floor_rows="$(sqlite3 "$work/floor.db" 'SELECT count(*) FROM jobs')"

  timed first "$binary" import "$first" --db "$work/queue.db"
  local first_s="$timed_s" first_kib="$timed_kib"
  echo "first file : $(tail -1 "$work/first.out")"
  sqlite_part "$work/queue.db"
  local part_s="$timed_s"
  timed second "$binary" import "$second" --db "$work/queue.db"
  local second_s="$timed_s" second_kib="$timed_kib"
  echo "second file: $(tail -1 "$work/second.out")"

  awk -v r="$rows" -v o="$first_s" -v t="$second_s" -v f="$floor_s" -v k="$first_kib" \
      -v k2="$second_kib" -v fr="$floor_rows" -v p="$part_s" 'BEGIN {
    printf "sqlite3 .import           : %7.2f s %9.0f rows/s  (%d rows)\n", f, fr / f, fr;
    printf "SQLite alone, same jobs   : %7.2f s %9.0f rows/s  ratio %.2f (the bound on the next line)\n", p, r / p, (r / p) / (fr / f);
    printf "import, fresh queue       : %7.2f s %9.0f rows/s  peak RSS %.1f MiB  ratio %.2f (aim >= 0.5)\n", o, r / o, k / 1024, (r / o) / (fr / f);
    printf "import, second file       : %7.2f s %9.0f rows/s  peak RSS %.1f MiB  ratio %.2f (aim >= 0.3)\n", t, r / t, k2 / 1024, (r / t) / (fr / f);
  }'
}

# ---- CSV into PostgreSQL -------------------------------------------------------------------

pg_case() {
  local file="$work/jobs.csv"
  [ -f "$file" ] || csv_file "$file" 3529696895
  bash "$root/scripts/pg_test_cluster.sh" start "$pg_state"
  local uri
  uri="$(cat "$pg_state")"
  timed pg "$binary" import "$file" --db "$uri"
  echo "postgresql : $(tail -1 "$work/pg.out")"
  awk -v r="$rows" -v o="$timed_s" -v k="$timed_kib" 'BEGIN {
    printf "import into PostgreSQL    : %7.2f s %9.0f rows/s  peak RSS %.1f MiB (aim >= 100000 rows/s)\n", o, r / o, k / 1024;
  }'
}

# ---- YAML ----------------------------------------------------------------------------------

yaml_case() {
  "$(dirname "$0")/yaml.sh" "$rows"
}

for case in $cases; do
  "${case}_case"
done
