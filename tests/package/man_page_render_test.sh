#!/usr/bin/env bash
# The man page renders without a warning: groff's own checks (-ww) and man-db's (--warnings),
# as `man -l` shows it.
# Usage: man_page_render_test.sh SOURCE_DIR
set -euo pipefail
page=$1/docs/oneall-bulk.1
status=0
if ! messages=$(groff -man -ww -z "$page" 2>&1) || [[ -n $messages ]]; then
  echo "FAIL: groff -man -ww: $messages" >&2
  status=1
fi
if ! messages=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null) || [[ -n $messages ]]; then
  echo "FAIL: man --warnings -l: $messages" >&2
  status=1
fi
MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q '^EXIT STATUS' ||
  { echo "FAIL: the rendered page has no EXIT STATUS" >&2; status=1; }
exit $status
