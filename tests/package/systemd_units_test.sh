#!/usr/bin/env bash
# The systemd units (systemd/): `systemd-analyze verify` passes on an instance of each, without
# a warning (skipped, exit 77, where systemd-analyze is missing); and the service's ExecStart,
# run as systemd would run it (specifiers and $$ expanded) with /etc/oneall-bulk/QUEUE moved to
# a temporary directory, imports every job file there and works the queue, here against the
# sandbox.
# Usage: systemd_units_test.sh SOURCE_DIR BINARY
set -euo pipefail
source_dir=$1
binary=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
service=$source_dir/systemd/oneall-bulk@.service
timer=$source_dir/systemd/oneall-bulk@.timer

if ! command -v systemd-analyze >/dev/null; then
  echo "systemd-analyze is not installed: skipped" >&2
  exit 77
fi
cp "$service" "$work/oneall-bulk@nightly.service"
cp "$timer" "$work/oneall-bulk@nightly.timer"
# --man=no: the man page is checked apart (man_page_render_test.sh); this need not install it.
if ! messages=$(systemd-analyze verify --man=no "$work/oneall-bulk@nightly.service" \
                  "$work/oneall-bulk@nightly.timer" 2>&1) || [[ -n $messages ]]; then
  echo "FAIL: systemd-analyze verify:" >&2
  echo "$messages" >&2
  exit 1
fi

exec_start=$(sed -n 's/^ExecStart=//p' "$service")
[[ -n $exec_start ]] || { echo "FAIL: no ExecStart" >&2; exit 1; }
etc=$work/etc/oneall-bulk
mkdir -p "$etc/nightly" "$work/bin"
cp "$source_dir/jobs/examples/cleanup.yaml" "$source_dir/jobs/examples/repoint-pins.csv" \
   "$etc/nightly/"
echo "not a job file" > "$etc/nightly/README"
ln -s "$(realpath "$binary")" "$work/bin/oneall-bulk"
command=${exec_start//%i/nightly}
command=${command//\/etc\/oneall-bulk/$etc}
command=${command//\$\$/\$}
(
  cd "$work"
  export PATH=$work/bin:$PATH
  export ONEALL_BULK_DB=$work/queue.db ONEALL_BULK_RUN_OPTIONS="--sandbox"
  eval "$command"
) || { echo "FAIL: ExecStart exited $?: $command" >&2; exit 1; }

summary=$("$binary" status --json --db "$work/queue.db")
jobs=$(( $("$binary" validate "$etc/nightly/cleanup.yaml" | grep -o '[0-9]* jobs' | cut -d' ' -f1) +
         $("$binary" validate "$etc/nightly/repoint-pins.csv" | grep -o '[0-9]* jobs' | cut -d' ' -f1) ))
grep -q "\"total\":$jobs," <<<"$summary" ||
  { echo "FAIL: expected both files' $jobs jobs queued: $summary" >&2; exit 1; }
grep -q "\"succeeded\":$jobs" <<<"$summary" ||
  { echo "FAIL: expected $jobs jobs succeeded: $summary" >&2; exit 1; }
