-- Schema version 6: a claimed job's lease lives in a small table of its own, not in its row.
-- (bench/README.md, "What bounds the rate").
--
-- Until schema 5 a claim rewrote the job's row and, because its state changed, the entries of
-- five indexes on jobs: a sixth of the writer's instructions per job. Now a claim adds a row to
-- in_flight, and the job's row stays 'pending' until its attempt ends; a job "is running" while
-- it has a row here. Readers that show states (status, report, cancel, the dry run) count such
-- a job as running. jobs.attempts counts the attempts that ended (an interrupted one included);
-- the attempt under way is in_flight.attempt. jobs.run_id, claimed_at and lease_until are no
-- longer written (SQLite cannot drop them without rebuilding the table) and are NULL from here.

CREATE TABLE in_flight (
  job_id      INTEGER PRIMARY KEY REFERENCES jobs(id),
  run_id      INTEGER NOT NULL REFERENCES runs(id),  -- the run holding the job
  attempt     INTEGER NOT NULL,                      -- the attempt being made, 1-based
  claimed_at  INTEGER NOT NULL,
  lease_until INTEGER NOT NULL                       -- the next run may take it back after this
);

-- Jobs running when the queue was last closed (a run that died) keep their lease. A claim
-- always set both times; were one missing, the lease counts as expired (the next run takes the
-- job back, logging its attempt as interrupted).
INSERT INTO in_flight (job_id, run_id, attempt, claimed_at, lease_until)
  SELECT id, run_id, attempts, COALESCE(claimed_at, 0), COALESCE(lease_until, 0) FROM jobs
  WHERE state = 'running' ORDER BY id;
UPDATE jobs SET state = 'pending', attempts = attempts - 1, run_id = NULL, claimed_at = NULL,
                lease_until = NULL
  WHERE state = 'running';
