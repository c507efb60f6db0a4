#!/usr/bin/env bash
# Builds the fuzzers (clang, -DONEALL_FUZZ=ON) and runs one of them with its seed corpus: for
# the job file readers made from jobs/examples/ and seeds/{yaml,csv}/, for the response parsers
# from seeds/.
# Usage: tests/fuzz/run.sh csv|yaml|response|retry_after [SECONDS]   (default 180)
set -euo pipefail
which="${1:?usage: run.sh csv|yaml|response|retry_after [SECONDS]}"
seconds="${2:-180}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${BUILD_DIR:-$root/build-fuzz}"
work="${FUZZ_WORK:-$build/fuzz-work}"

case "$which" in
  csv | yaml) target="${which}_reader_fuzz" ;;
  response) target=response_parser_fuzz ;;
  retry_after) target=retry_after_fuzz ;;
  *) echo "run.sh: unknown fuzzer '$which' (csv, yaml, response, retry_after)" >&2; exit 2 ;;
esac

CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONEALL_FUZZ=ON \
  -DONEALL_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target "$target" >/dev/null

corpus="$work/$which-corpus"
mkdir -p "$corpus" "$work/$which-artifacts"
case "$which" in
  csv)
    # The CSV fuzzer's first byte picks the chunk size and --identity.
    for f in "$root"/jobs/examples/*.csv "$here"/seeds/csv/*.csv; do
      [ -f "$f" ] || continue
      for lead in '\x00' '\x07' '\x41'; do
        { printf "$lead"; cat "$f"; } >"$corpus/seed-$(basename "$f")-$(printf '%s' "$lead" | tr -dc 0-9a-f)"
      done
    done
    ;;
  yaml)
    for f in "$root"/jobs/examples/*.yaml "$root"/jobs/examples/*.yml "$here"/seeds/yaml/*.yaml; do
      [ -f "$f" ] && cp "$f" "$corpus/seed-$(basename "$f")"
    done
    ;;
  *) cp "$here/seeds/$which"/* "$corpus/" ;;
esac

# A header value is short; a body is capped at 64 KiB by the runner.
max_len=65536
[ "$which" = retry_after ] && max_len=256
"$build/tests/fuzz/$target" "$corpus" -max_total_time="$seconds" \
  -artifact_prefix="$work/$which-artifacts/" -print_final_stats=1 -max_len="$max_len" -timeout=10 \
  -rss_limit_mb=2048
