#!/usr/bin/env bash
# The runner benchmark's servers, on 127.0.0.1 only, stopped by PID file (never by name: other
# people's nginx may run on the same machine).
#   servers.sh start-nginx                 nginx with bench/runner/nginx.conf on :18190
#   servers.sh start-sandbox BINARY MS     `oneall-bulk sandbox --latency MS` on :18191
#   servers.sh stop                        stops whichever of them this run directory started
# State lives in $BENCH_RUN_DIR (default /tmp/oneall-bench-runner-$UID).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
run_dir="${BENCH_RUN_DIR:-/tmp/oneall-bench-runner-$(id -u)}"
NGINX_PORT=18190
SANDBOX_PORT=18191
mkdir -p "$run_dir"

wait_for() {  # url: up to 5 s for the server to answer
  for _ in $(seq 50); do
    curl -s -o /dev/null --max-time 1 "$1" && return 0
    sleep 0.1
  done
  echo "no answer from $1" >&2
  return 1
}

case "${1:-}" in
  start-nginx)
    if [ -s "$run_dir/nginx.pid" ] && kill -0 "$(cat "$run_dir/nginx.pid")" 2>/dev/null; then
      echo "nginx already running (pid $(cat "$run_dir/nginx.pid"))"
      exit 0
    fi
    nginx -q -t -c "$here/nginx.conf" -p "$run_dir/" 2>/dev/null
    nginx -c "$here/nginx.conf" -p "$run_dir/"
    wait_for "http://127.0.0.1:$NGINX_PORT/update/x.json"
    ;;
  start-sandbox)
    binary="$2"
    latency="${3:-50}"
    if [ -s "$run_dir/sandbox.pid" ] && kill -0 "$(cat "$run_dir/sandbox.pid")" 2>/dev/null; then
      echo "sandbox already running (pid $(cat "$run_dir/sandbox.pid"))"
      exit 0
    fi
    nohup "$binary" sandbox --port "$SANDBOX_PORT" --latency "$latency" \
      >"$run_dir/sandbox.log" 2>&1 &
    echo $! >"$run_dir/sandbox.pid"
    wait_for "http://127.0.0.1:$SANDBOX_PORT/sandbox/stats"
    ;;
  stop)
    for f in "$run_dir/nginx.pid" "$run_dir/sandbox.pid"; do
      if [ -s "$f" ]; then
        pid="$(cat "$f")"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$f"
      fi
    done
    ;;
  *)
    echo "usage: $0 start-nginx | start-sandbox BINARY LATENCY_MS | stop" >&2
    exit 2
    ;;
esac
