#!/usr/bin/env bash
# Regenerates docs/report.png, the README's picture of `report --format html`: a sample
# campaign run against the built-in sandbox on 127.0.0.1 (latency, 500/503s, 429s, a few ids
# that answer 404, and a first run with a wrong key that the circuit breaker stops), its HTML
# report, and a screenshot of it by headless Chromium (Debian's chromium package).
# Usage: bash scripts/report_screenshot.sh [BUILD_DIR]   (default: build; needs oneall-bulk built)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/oneall-bulk
[[ -x $bin ]] || { echo "report_screenshot: build $bin first" >&2; exit 1; }
command -v chromium >/dev/null || { echo "report_screenshot: install chromium" >&2; exit 1; }

work=$(mktemp -d)
sandbox_pid=
cleanup() {
  [[ -n $sandbox_pid ]] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# 1,200 tweet deletes and 300 pin updates of one identity; ten tweets are already gone.
identity=2af20011-8965-471b-8f6b-8b66a611aae6
{
  echo "defaults: {identity: $identity}"
  echo "jobs:"
  for i in $(seq 1000 2199); do echo "  - {op: delete, target: twitter.tweet, object_id: \"$i\"}"; done
  for i in $(seq 5000 5299); do
    echo "  - {op: update, target: pinterest.pin, object_id: \"$i\", set: {board: archive}}"
  done
} > "$work/campaign.yaml"

"$bin" sandbox --port 0 --latency 15 --error-rate 0.04 --throttle 120 --seed 7 \
  --missing 1000 1100 1200 1300 1400 1500 1600 1700 1800 1900 \
  > "$work/sandbox.out" 2> "$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 100); do
  grep -q "listening on" "$work/sandbox.out" 2>/dev/null && break
  sleep 0.1
done
endpoint=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/sandbox.out")

export ONEALL_SUBDOMAIN=sandbox ONEALL_PUBLIC_KEY=sandbox-public-key
db=$work/queue.db
"$bin" import "$work/campaign.yaml" --db "$db" >/dev/null
# A wrong key first: the circuit breaker stops the run after five 401s in a row.
ONEALL_PRIVATE_KEY=wrong "$bin" run --db "$db" --endpoint "$endpoint" --quiet || true
"$bin" retry --state failed --db "$db" >/dev/null
sleep 2  # a gap in the chart between the two runs
ONEALL_PRIVATE_KEY=sandbox-private-key "$bin" run --db "$db" --endpoint "$endpoint" \
  --rate 200 --concurrency 8 --retry-base 200ms --quiet || true

"$bin" report --format html --db "$db" --out "$work/report.html" 2>/dev/null
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
  --hide-scrollbars --user-data-dir="$work/profile" --window-size=1000,1640 \
  --screenshot="$PWD/docs/report.png" "file://$work/report.html" 2>/dev/null
echo "wrote docs/report.png"
