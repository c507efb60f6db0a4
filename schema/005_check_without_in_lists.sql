-- Schema version 5: the same tables and values, with CHECK constraints SQLite checks cheaply
-- (bench/README.md, "Store writes per job").
--
-- SQLite checks `x IN (a, b, c, ...)` with more than two constants by building a temporary
-- b-tree of the constants, once per run of each statement that writes the column: one for every
-- claim, every finished job and every attempt row, about as costly as the row's own write. The
-- same constraints written as `x = a OR x = b ...` are plain comparisons. SQLite cannot change a
-- constraint in place, so `jobs` and `attempts` are rebuilt, every row and id kept as it is
-- (the audit chain hashes the values, which the copy does not change; foreign keys are off
-- while migrations run, and src/store/migrations.cpp checks them before committing).

CREATE TABLE jobs_v5 (
  id               INTEGER PRIMARY KEY,   -- increasing in file order: the per-object order
  batch_id         INTEGER NOT NULL REFERENCES batches(id),
  job_key          BLOB    NOT NULL,      -- what the job does (UNIQUE: jobs_by_key below)
  object_hash      INTEGER NOT NULL,      -- which object it acts on: one at a time per object
  source           TEXT    NOT NULL,      -- file:line it came from
  op               TEXT    NOT NULL CHECK (op = 'update' OR op = 'delete'),
  target           TEXT    NOT NULL,
  identity         TEXT    NOT NULL,
  page_id          TEXT    NOT NULL,
  object_id        TEXT    NOT NULL,
  method           TEXT    NOT NULL,
  path             TEXT    NOT NULL,
  body             TEXT    NOT NULL,
  state            TEXT    NOT NULL DEFAULT 'pending'
                   CHECK (state = 'pending' OR state = 'running' OR state = 'succeeded' OR
                          state = 'failed' OR state = 'dead' OR state = 'cancelled'),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL DEFAULT 0,
  run_id           INTEGER,               -- the run holding it while running
  claimed_at       INTEGER,
  lease_until      INTEGER,
  note             TEXT    NOT NULL DEFAULT '',
  last_http_status INTEGER,
  last_outcome     TEXT,
  updated_at       INTEGER NOT NULL,
  attempt_base     INTEGER NOT NULL DEFAULT 0  -- attempts used before the last `retry`
);
INSERT INTO jobs_v5 SELECT id, batch_id, job_key, object_hash, source, op, target, identity,
                           page_id, object_id, method, path, body, state, attempts,
                           next_attempt_at, run_id, claimed_at, lease_until, note,
                           last_http_status, last_outcome, updated_at, attempt_base
                    FROM jobs ORDER BY id;
DROP TABLE jobs;
ALTER TABLE jobs_v5 RENAME TO jobs;

-- The indexes of schema 4, unchanged (see 004_compact_job_keys.sql for what each serves).
CREATE UNIQUE INDEX jobs_by_key ON jobs (job_key);
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE INDEX jobs_by_batch ON jobs (batch_id, state, id);
CREATE INDEX jobs_by_object ON jobs (object_hash, id) WHERE state IN ('pending', 'running');
CREATE INDEX jobs_due ON jobs (state, next_attempt_at) WHERE state = 'pending';
CREATE INDEX jobs_due_by_batch ON jobs (batch_id, state, next_attempt_at) WHERE state = 'pending';

-- The attempt log, one row per attempt (001, with 002's and 003's columns in their places).
CREATE TABLE attempts_v5 (
  id                 INTEGER PRIMARY KEY,
  run_id             INTEGER NOT NULL REFERENCES runs(id),
  job_id             INTEGER NOT NULL REFERENCES jobs(id),
  attempt            INTEGER NOT NULL,
  started_at         INTEGER NOT NULL,
  ended_at           INTEGER NOT NULL,
  method             TEXT    NOT NULL,
  path               TEXT    NOT NULL,
  request_body       TEXT    NOT NULL,
  http_status        INTEGER,             -- NULL when no HTTP answer arrived
  curl_error         TEXT    NOT NULL,
  retry_after        TEXT    NOT NULL,
  api_flag           TEXT    NOT NULL,
  api_code           INTEGER,
  api_info           TEXT    NOT NULL,
  response_body      TEXT    NOT NULL,
  response_truncated INTEGER NOT NULL,
  outcome            TEXT    NOT NULL
                     CHECK (outcome = 'succeeded' OR outcome = 'failed' OR outcome = 'retry' OR
                            outcome = 'dead' OR outcome = 'interrupted'),
  note               TEXT    NOT NULL,
  requests_sent      INTEGER NOT NULL DEFAULT 1,  -- times the request went out (002)
  prev_hash          TEXT,                        -- the audit hash chain (003)
  row_hash           TEXT
);
INSERT INTO attempts_v5 SELECT id, run_id, job_id, attempt, started_at, ended_at, method, path,
                               request_body, http_status, curl_error, retry_after, api_flag,
                               api_code, api_info, response_body, response_truncated, outcome,
                               note, requests_sent, prev_hash, row_hash
                        FROM attempts ORDER BY id;
DROP TABLE attempts;
ALTER TABLE attempts_v5 RENAME TO attempts;

CREATE INDEX attempts_by_job ON attempts (job_id, id);
CREATE INDEX attempts_by_run ON attempts (run_id, id);
