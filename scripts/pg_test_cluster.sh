#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for the test suite, so the tests of the shared store run
# against a real server wherever the suite runs (ctest starts and stops it as a fixture).
#   start STATE   makes a cluster in a fresh directory under /tmp, listening on a Unix socket
#                 there only (no TCP port), and writes the URI of its `postgres` database to
#                 STATE (and the directory to STATE.dir)
#   stop STATE    stops that cluster and removes its directory
# As root, the server runs as the `postgres` user (initdb refuses root). Needs postgresql-15
# (scripts/setup.sh --tests installs it).
set -euo pipefail

action=${1:?usage: pg_test_cluster.sh start|stop STATE_FILE}
state=${2:?usage: pg_test_cluster.sh start|stop STATE_FILE}
bin=/usr/lib/postgresql/15/bin
as_owner=()
if [[ $(id -u) -eq 0 ]]; then as_owner=(runuser -u postgres --); fi

stop() {
  [[ -f $state.dir ]] || return 0
  local dir
  dir=$(cat "$state.dir")
  if [[ -d $dir/data ]]; then
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir" "$state" "$state.dir"
}

case $action in
  start)
    stop  # a cluster left by an interrupted run of the suite
    [[ -x $bin/initdb ]] || { echo "pg_test_cluster: $bin/initdb is missing: install postgresql-15 (scripts/setup.sh --tests)" >&2; exit 1; }
    dir=$(mktemp -d /tmp/oneall-pg.XXXXXX)  # short: a socket path has at most 107 bytes
    echo "$dir" > "$state.dir"
    if [[ ${#as_owner[@]} -gt 0 ]]; then chown postgres "$dir"; fi
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -A trust -U oneall -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses= -c unix_socket_directories=$dir -p 5432 -c fsync=off -c max_connections=200" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql:///postgres?host=$dir&port=5432&user=oneall" > "$state"
    ;;
  stop)
    stop
    ;;
  *)
    echo "usage: pg_test_cluster.sh start|stop STATE_FILE" >&2
    exit 2
    ;;
esac
