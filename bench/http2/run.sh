#!/usr/bin/env bash
# The HTTP/2-over-TLS case (issue 19): N pin updates (default 20,000, 64 in flight) through
# `oneall-bulk run --endpoint https://127.0.0.1:18192 --cacert CA` against nginx serving
# `listen ssl http2` and `location /update/ { return 200 '<success envelope>'; }`. nginx answers
# without reading a request's body and then resets the stream with NO_ERROR (RFC 9113 §8.1);
# libcurl 7.88 reports some of those complete answers as "Stream error in the HTTP/2 framing
# layer". Prints, per run (fresh queue each; the import is timed apart): requests/s, attempts
# in all, attempts retried, retried although the answer was complete (must be 0), and complete
# answers that came with a libcurl error (counted as the answer, not retried).
#
# Usage: bench/http2/run.sh [--runs N] [--jobs N] [--skip-build]
#   ONEALL_BINARY=path   use this binary instead of building build-bench/ (RelWithDebInfo)
#   BENCH_RUN_DIR=dir    scratch directory (default /tmp/oneall-bench-http2-$UID)
# Needs nginx, openssl, sqlite3 and python3 (root installs what is missing from Debian).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runs=1
jobs=20000
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --skip-build) build=0; shift ;;
    *) sed -n '2,15p' "$0" >&2; exit 2 ;;
  esac
done

PORT=18192
CONCURRENCY=64
BODY='{"response":{"request":{"status":{"flag":"success","code":200,"info":"ok"}},"result":{"data":{"provider":"pinterest","object":"pin"}}}}'
run_dir="${BENCH_RUN_DIR:-/tmp/oneall-bench-http2-$(id -u)}"

# --- tools -----------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v openssl >/dev/null || missing+=(openssl)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

# --- binary: optimised, in a build directory of its own ---------------------------------------
binary="${ONEALL_BINARY:-$root/build-bench/oneall-bulk}"
if [ -z "${ONEALL_BINARY:-}" ] && [ "$build" = 1 ]; then
  cmake -S "$root" -B "$root/build-bench" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONEALL_TESTS=OFF \
    >/dev/null
  cmake --build "$root/build-bench" -j2 --target oneall-bulk >/dev/null
fi
[ -x "$binary" ] || { echo "no binary at $binary" >&2; exit 2; }

# --- nginx: a child of this script, stopped by its pid however the script ends -----------------
rm -rf "$run_dir"
mkdir -p "$run_dir"
nginx_pid=""
cleanup() {
  if [ -n "$nginx_pid" ]; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$run_dir"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj "/CN=oneall-bulk bench CA" -addext "subjectAltName=IP:127.0.0.1" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -keyout "$run_dir/key.pem" -out "$run_dir/cert.pem" 2>/dev/null
# keepalive_requests: nginx otherwise ends each connection with GOAWAY after 1000 streams, and
# the requests caught by that are refused unanswered: another case, retried rightly.
cat >"$run_dir/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $run_dir/nginx.pid;
error_log $run_dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $run_dir/client_body;
  proxy_temp_path $run_dir/proxy;
  fastcgi_temp_path $run_dir/fastcgi;
  uwsgi_temp_path $run_dir/uwsgi;
  scgi_temp_path $run_dir/scgi;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$PORT ssl http2;
    ssl_certificate $run_dir/cert.pem;
    ssl_certificate_key $run_dir/key.pem;
    location /update/ {
      default_type application/json;
      return 200 '$BODY';
    }
    location / { return 404; }
  }
}
CONF
"$nginx_bin" -e "$run_dir/error.log" -p "$run_dir/" -c "$run_dir/nginx.conf" &
nginx_pid=$!
for _ in $(seq 50); do  # up to 5 s
  curl -s -o /dev/null --http2 --cacert "$run_dir/cert.pem" "https://127.0.0.1:$PORT/" && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$run_dir/error.log" >&2; exit 1; }
  sleep 0.1
done

# --- runs --------------------------------------------------------------------------------------
python3 "$root/bench/runner/gen_jobs.py" "$jobs" "$PORT" "$run_dir/jobs" --csv-only
export ONEALL_SUBDOMAIN=bench ONEALL_PUBLIC_KEY=bench-public-key ONEALL_PRIVATE_KEY=bench-private-key
db="$run_dir/q.db"
count() { sqlite3 "$db" "SELECT count(*) FROM attempts WHERE $1"; }
whole="http_status = 200 AND response_body = '$BODY'"

echo "machine: $(nproc) CPUs, kernel $(uname -r), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "peers: $(curl --version | head -1 | cut -d' ' -f1-2), $("$nginx_bin" -v 2>&1 | cut -d' ' -f3), $("$binary" --version 2>/dev/null || echo oneall-bulk)"
for i in $(seq "$runs"); do
  rm -f "$db" "$db"-wal "$db"-shm "$db".lock
  "$binary" import --db "$db" "$run_dir/jobs/jobs.csv" >/dev/null
  t0=$(date +%s.%N)
  "$binary" run --db "$db" --endpoint "https://127.0.0.1:$PORT" --cacert "$run_dir/cert.pem" \
    --concurrency $CONCURRENCY --quiet --json >"$run_dir/run.json" || {
    echo "oneall-bulk run failed:" >&2; cat "$run_dir/run.json" >&2; exit 1; }
  t1=$(date +%s.%N)
  succeeded=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["succeeded"])' "$run_dir/run.json")
  printf 'run %d: %d updates, %d succeeded, %.0f req/s (wall, run only)\n' "$i" "$jobs" "$succeeded" \
    "$(echo "$(count 1) / ($t1 - $t0)" | bc -l)"
  printf '  attempts %d; retried %d, of which with a complete answer %d (must be 0)\n' \
    "$(count 1)" "$(count "outcome <> 'succeeded'")" "$(count "outcome <> 'succeeded' AND $whole")"
  printf '  complete answers that came with a libcurl error, counted as answered: %d\n' \
    "$(count "outcome = 'succeeded' AND curl_error <> ''")"
  sqlite3 "$db" "SELECT '  retried: ' || count(*) || ' x status ' || coalesce(http_status, 'none') ||
    ', ' || curl_error FROM attempts WHERE outcome <> 'succeeded' GROUP BY http_status, curl_error"
  [ "$succeeded" = "$jobs" ] || { echo "only $succeeded of $jobs succeeded" >&2; exit 1; }
done
