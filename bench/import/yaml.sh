#!/usr/bin/env bash
# YAML job files at scale: generates a YAML job file of ROWS jobs in the shape of run.sh's CSV
# file (half pin updates with a link and a description holding a comma, half pin deletes, two
# identities; one flow map a job), then times `validate`, `import` into a fresh database and
# `run --dry-run` on it, and prints jobs/s and each one's peak RSS (GNU time's "Maximum resident
# set size"). Then `validate` of the same jobs written in block style, where yaml-cpp's scanner
# keeps a few bytes per block map until the end of the document. Usage:
#   bench/import/yaml.sh [ROWS]            (default 1000000; run.sh calls it with its ROWS)
#   ONEALL_BINARY=path/to/oneall-bulk bench/import/yaml.sh
set -euo pipefail
rows="${1:-1000000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
binary="${ONEALL_BINARY:-$root/build-release/oneall-bulk}"
[ -x "$binary" ] || { echo "no binary at $binary (set ONEALL_BINARY)" >&2; exit 2; }
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time for peak RSS" >&2
  apt-get install -y time >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/oneall-bench-yaml.XXXXXX")"
trap 'rm -rf "$work"' EXIT
flow="$work/jobs.yaml"
block="$work/jobs-block.yaml"

generate_yaml() {  # ROWS STYLE(flow|block) > file
  awk -v rows="$1" -v style="$2" 'BEGIN {
    print "jobs:";
    ids[0] = "2af20011-8965-471b-8f6b-8b66a611aae6"; ids[1] = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    for (i = 0; i < rows; i++) {
      id = ids[i % 2]; object = sprintf("3529696895%08d", i);
      link = sprintf("https://shop.example.com/tour?pin=%d", i);
      description = sprintf("Tour photo, day %d", i % 31);
      if (style == "flow" && i % 2 == 0) {
        printf "  - {op: update, target: pinterest.pin, identity: %s, object_id: \"%s\", set: {link: \"%s\", description: \"%s\"}}\n", id, object, link, description;
      } else if (style == "flow") {
        printf "  - {op: delete, target: pinterest.pin, identity: %s, object_id: \"%s\"}\n", id, object;
      } else if (i % 2 == 0) {
        printf "  - op: update\n    target: pinterest.pin\n    identity: %s\n    object_id: \"%s\"\n    set:\n      link: \"%s\"\n      description: \"%s\"\n", id, object, link, description;
      } else {
        printf "  - op: delete\n    target: pinterest.pin\n    identity: %s\n    object_id: \"%s\"\n", id, object;
      }
    }
  }'
}

seconds() { awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'; }

# Runs the binary under GNU time; prints "LABEL: seconds, jobs/s, peak RSS".
measure() {  # LABEL ARGS...
  local label="$1"
  shift
  # Standard output (a dry run's requests) is not kept: at a million jobs it is ~200 MB.
  /usr/bin/time -v -o "$work/time" "$binary" "$@" >/dev/null 2>"$work/err" || {
    echo "$label failed:" >&2
    tail -5 "$work/err" >&2
    exit 1
  }
  local s kib
  s="$(grep 'Elapsed (wall clock)' "$work/time" | awk '{print $NF}' | seconds)"
  kib="$(grep 'Maximum resident set size' "$work/time" | awk '{print $NF}')"
  awk -v l="$label" -v r="$rows" -v s="$s" -v k="$kib" 'BEGIN {
    printf "%-28s: %8.2f s  %10.0f jobs/s  peak RSS %.1f MiB\n", l, s, r / s, k / 1024;
  }'
}

generate_yaml "$rows" flow >"$flow"
generate_yaml "$rows" block >"$block"
echo "YAML file: $rows jobs, $(du -m "$flow" | cut -f1) MiB (flow maps); $(du -m "$block" | cut -f1) MiB (block style)"
measure "yaml validate" validate "$flow"
measure "yaml import" import "$flow" --db "$work/queue.db"
measure "yaml run --dry-run" run "$flow" --dry-run
measure "yaml validate (block style)" validate "$block"
