#!/usr/bin/env bash
# Builds the fuzzers (clang, -DONEALL_FUZZ=ON) and runs one of them with a seed corpus made from
# jobs/examples/. Usage: tests/fuzz/run.sh csv|yaml [SECONDS]   (default 180)
set -euo pipefail
which="${1:?usage: run.sh csv|yaml [SECONDS]}"
seconds="${2:-180}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BUILD_DIR:-$root/build-fuzz}"
work="${FUZZ_WORK:-$build/fuzz-work}"

CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONEALL_FUZZ=ON \
  -DONEALL_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target "${which}_reader_fuzz" >/dev/null

corpus="$work/$which-corpus"
mkdir -p "$corpus" "$work/$which-artifacts"
# The CSV fuzzer's first byte picks the chunk size and --identity; the YAML one takes the file.
for f in "$root"/jobs/examples/*."$which" "$root"/jobs/examples/*.yml; do
  [ -f "$f" ] || continue
  if [ "$which" = csv ]; then
    for lead in '\x00' '\x07' '\x41'; do
      { printf "$lead"; cat "$f"; } >"$corpus/seed-$(basename "$f")-$(printf '%s' "$lead" | tr -dc 0-9a-f)"
    done
  else
    cp "$f" "$corpus/seed-$(basename "$f")"
  fi
done

"$build/tests/fuzz/${which}_reader_fuzz" "$corpus" -max_total_time="$seconds" \
  -artifact_prefix="$work/$which-artifacts/" -print_final_stats=1 -max_len=65536 -timeout=10 \
  -rss_limit_mb=2048
