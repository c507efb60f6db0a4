#!/usr/bin/env bash
# Times what adds up the attempt log — `status` (latency over the whole log), `report --format
# html` — on a queue holding ROWS attempt rows (default 1,000,000), on SQLite and on a
# throw-away PostgreSQL 15 cluster (scripts/pg_test_cluster.sh). The rows are written with SQL
# (a sandbox-sized response body each, durations 5-400 ms with a slow tail, a 503 in 20 and a
# timeout in 100, over three hours), not through a run: the chain hashes are left out, which the
# figures do not read. Prints wall time and peak RSS (GNU time) of each command.
# Usage: ONEALL_BINARY=build/oneall-bulk bash bench/report/run.sh [ROWS]   (BENCH_CASES="sqlite pg")
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-1000000}
bin=${ONEALL_BINARY:-build/oneall-bulk}
work=$(mktemp -d)
trap 'bash scripts/pg_test_cluster.sh stop "$work/pg" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

identity=2af20011-8965-471b-8f6b-8b66a611aae6
{
  echo "defaults: {identity: $identity}"
  echo "jobs:"
  for i in $(seq 1 1000); do echo "  - {op: delete, target: twitter.tweet, object_id: \"$i\"}"; done
} > "$work/jobs.yaml"

# One attempt row per n: job 1-1000, a duration with a tail, 1 in 20 a 503, 1 in 100 no answer.
attempt_select() {  # the dialect's: random integer in [0, 1000000), bytes of a body, no bytes
  local r=$1 body=$2 none=$3
  cat <<SQL
SELECT 1000000 + n, 1, 1 + n % 1000, 1 + n / 1000, t, t + d, 'DELETE', '/update/identities/x/twitter/post/1.json', '',
  CASE WHEN n % 100 = 0 THEN NULL WHEN n % 20 = 0 THEN 503 ELSE 200 END, '', $none, 'success', 200,
  'Your request has been processed successfully', $body, 0,
  CASE WHEN n % 100 = 0 THEN 'retry' WHEN n % 20 = 0 THEN 'retry' ELSE 'succeeded' END,
  CASE WHEN n % 100 = 0 THEN 'timeout' ELSE '' END, 1
FROM (SELECT n, 1796400000000 + n * 10800000 / $rows AS t,
             5 + ($r) % 200 + CASE WHEN n % 97 = 0 THEN ($r) % 3000 ELSE 0 END AS d FROM ns) AS s
SQL
}
columns="id, run_id, job_id, attempt, started_at, ended_at, method, path, request_body, http_status,
  curl_error, retry_after, api_flag, api_code, api_info, response_body, response_truncated, outcome,
  note, requests_sent"

measure() {  # label, command...
  local label=$1
  shift
  /usr/bin/time -f "%e s, %M KiB" -o "$work/time" "$@" > "$work/out" 2> "$work/err" ||
    { cat "$work/err" >&2; return 1; }
  printf '%-40s %s\n' "$label" "$(cat "$work/time")"
}

sqlite_case() {
  local db=$work/queue.db
  "$bin" run --sandbox "$work/jobs.yaml" --db "$db" --quiet
  sqlite3 "$db" "DELETE FROM attempts; WITH RECURSIVE ns(n) AS (SELECT 1 UNION ALL SELECT n + 1
    FROM ns WHERE n < $rows) INSERT INTO attempts ($columns)
    $(attempt_select 'abs(random()) % 1000000' "printf('%.300c', 'x')" "''");"
  echo "sqlite: $(sqlite3 "$db" 'SELECT COUNT(*) FROM attempts') attempts, $(du -h "$db" | cut -f1)"
  measure "sqlite status" "$bin" status --db "$db"
  grep latency "$work/out"
  measure "sqlite report --format html" "$bin" report --format html --db "$db" --out "$work/r.html"
  echo "  page: $(stat -c %s "$work/r.html") bytes"
}

pg_case() {
  bash scripts/pg_test_cluster.sh start "$work/pg" >/dev/null
  local uri
  uri=$(cat "$work/pg")
  "$bin" run --sandbox "$work/jobs.yaml" --db "$uri" --quiet
  psql -q "$uri" -c "DELETE FROM attempts; INSERT INTO attempts ($columns)
    $(attempt_select '(random() * 999999)::bigint' "convert_to(repeat('x', 300), 'UTF8')" "''::bytea" | sed "s/FROM ns/FROM (SELECT g::bigint AS n FROM generate_series(1, $rows) AS g) AS ns/"); ANALYZE attempts;"
  echo "pg: $(psql -tA "$uri" -c 'SELECT COUNT(*) FROM attempts') attempts"
  measure "pg status" "$bin" status --db "$uri"
  grep latency "$work/out"
  measure "pg report --format html" "$bin" report --format html --db "$uri" --out "$work/p.html"
  echo "  page: $(stat -c %s "$work/p.html") bytes"
}

for c in ${BENCH_CASES:-sqlite pg}; do "${c}_case"; done
