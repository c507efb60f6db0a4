-- Schema version 4: compact keys and fewer index entries on jobs, for import and run speed
-- (bench/README.md, "import" and "runner").
--
-- - job_key becomes a 16-byte BLOB, the first half of the SHA-256 it held as 64 hex digits
--   (src/store/job_keys.hpp): the UNIQUE index that makes import idempotent is a third of its size.
-- - object_key (identity|target|page|object as text) becomes object_hash, a 64-bit FNV-1a of
--   that same text. It only keeps jobs on one object in file order; two objects sharing a hash
--   just run one after the other, which is safe.
-- - jobs_by_object and the two "next due" indexes hold only the jobs they are asked about
--   (partial indexes): a job that has ended leaves them, so a run's state changes and the claim's
--   "no earlier unfinished job on this object" test touch small indexes.
--
-- SQLite cannot change a column's type in place, so the table is rebuilt (foreign keys are off
-- while migrations run; src/store/migrations.cpp checks them before committing). The keys
-- are computed by the program before this file runs, into temp.job_keys_v4 (id, job_key,
-- object_hash): SQL has no SHA-256 or FNV-1a.

CREATE TABLE jobs_v4 (
  id               INTEGER PRIMARY KEY,   -- increasing in file order: the per-object order
  batch_id         INTEGER NOT NULL REFERENCES batches(id),
  job_key          BLOB    NOT NULL,      -- what the job does (UNIQUE: jobs_by_key below)
  object_hash      INTEGER NOT NULL,      -- which object it acts on: one at a time per object
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
  updated_at       INTEGER NOT NULL,
  attempt_base     INTEGER NOT NULL DEFAULT 0  -- attempts used before the last `retry`
);

INSERT INTO jobs_v4 (id, batch_id, job_key, object_hash, source, op, target, identity, page_id,
                     object_id, method, path, body, state, attempts, next_attempt_at, run_id,
                     claimed_at, lease_until, note, last_http_status, last_outcome, updated_at,
                     attempt_base)
  SELECT j.id, j.batch_id, k.job_key, k.object_hash, j.source, j.op, j.target, j.identity,
         j.page_id, j.object_id, j.method, j.path, j.body, j.state, j.attempts,
         j.next_attempt_at, j.run_id, j.claimed_at, j.lease_until, j.note, j.last_http_status,
         j.last_outcome, j.updated_at, j.attempt_base
  FROM jobs AS j JOIN temp.job_keys_v4 AS k ON k.id = j.id;
DROP TABLE temp.job_keys_v4;
DROP TABLE jobs;
ALTER TABLE jobs_v4 RENAME TO jobs;

-- Import is idempotent: ON CONFLICT (job_key) DO NOTHING.
CREATE UNIQUE INDEX jobs_by_key ON jobs (job_key);
-- Claiming: pending jobs in id (file) order, over the whole queue or within one batch; also
-- `status`'s counts per state and per batch. The claim queries write `+next_attempt_at` so that
-- the planner walks these in id order and never sorts.
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE INDEX jobs_by_batch ON jobs (batch_id, state, id);
-- Per-object order: is an earlier job on this object still unfinished? Only unfinished jobs are
-- asked about, so only they are indexed (the claim query repeats this WHERE term word for word,
-- which is how SQLite knows it may use the index).
CREATE INDEX jobs_by_object ON jobs (object_hash, id) WHERE state IN ('pending', 'running');
-- When is the next retry due (MIN over pending jobs, whole queue or one batch)? `state` leads
-- although it is constant here, so that the planner prefers these to jobs_by_state/_by_batch.
CREATE INDEX jobs_due ON jobs (state, next_attempt_at) WHERE state = 'pending';
CREATE INDEX jobs_due_by_batch ON jobs (batch_id, state, next_attempt_at) WHERE state = 'pending';
