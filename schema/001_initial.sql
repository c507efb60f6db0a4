-- oneall-bulk queue, schema version 1. Times are UTC milliseconds since the Unix epoch.
-- Credentials are never stored: requests hold method, path and body only.

CREATE TABLE batches (
  id          INTEGER PRIMARY KEY,
  created_at  INTEGER NOT NULL,
  description TEXT    NOT NULL            -- the imported files' names
);

CREATE TABLE jobs (
  id               INTEGER PRIMARY KEY,   -- increasing in file order: the per-object order
  batch_id         INTEGER NOT NULL REFERENCES batches(id),
  job_key          TEXT    NOT NULL UNIQUE, -- SHA-256 of what the job does: import is idempotent
  object_key       TEXT    NOT NULL,      -- identity|target|page|object: one at a time per object
  source           TEXT    NOT NULL,      -- file:line it came from
  op               TEXT    NOT NULL CHECK (op IN ('update', 'delete')),
  target           TEXT    NOT NULL,
  identity         TEXT    NOT NULL,
  page_id          TEXT    NOT NULL,
  object_id        TEXT    NOT NULL,
  method           TEXT    NOT NULL,
  path             TEXT    NOT NULL,
  body             TEXT    NOT NULL,
  state            TEXT    NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'dead', 'cancelled')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL DEFAULT 0,
  run_id           INTEGER,               -- the run holding it while running
  claimed_at       INTEGER,
  lease_until      INTEGER,
  note             TEXT    NOT NULL DEFAULT '',
  last_http_status INTEGER,
  last_outcome     TEXT,
  updated_at       INTEGER NOT NULL
);

-- Claiming: pending jobs in id (file) order, over the whole queue or within one batch. The
-- claim queries write `+next_attempt_at` so that the planner walks these in id order and
-- never sorts.
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE INDEX jobs_by_batch ON jobs (batch_id, state, id);
-- Per-object order: is an earlier job on this object still unfinished?
CREATE INDEX jobs_by_object ON jobs (object_key, id);
-- When is the next retry due (MIN over pending jobs, whole queue or one batch)?
CREATE INDEX jobs_due ON jobs (state, next_attempt_at);
CREATE INDEX jobs_due_by_batch ON jobs (batch_id, state, next_attempt_at);

CREATE TABLE runs (
  id           INTEGER PRIMARY KEY,
  started_at   INTEGER NOT NULL,
  ended_at     INTEGER,
  pid          INTEGER NOT NULL,
  options_json TEXT    NOT NULL,
  summary_json TEXT,
  exit_code    INTEGER
);

-- The audit log: one row per attempt, written once when the attempt ends.
CREATE TABLE attempts (
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
                     CHECK (outcome IN ('succeeded', 'failed', 'retry', 'dead', 'interrupted')),
  note               TEXT    NOT NULL
);

CREATE INDEX attempts_by_job ON attempts (job_id, id);
CREATE INDEX attempts_by_run ON attempts (run_id, id);
