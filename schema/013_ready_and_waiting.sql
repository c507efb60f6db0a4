-- Schema version 13: a pending job is either ready (due now) or waiting (for a retry's backoff or
-- its not_before), and each kind has an index of its own (bench/README.md, "import").
--
-- Until schema 12 every pending job sat in four indexes by state: jobs_by_state, jobs_by_batch,
-- jobs_due and jobs_due_by_batch. An import paid four index inserts per job, and a claim walked
-- the pending jobs in id order past every one not yet due (a campaign scheduled for next year
-- ahead of today's jobs slowed every claim). Now:
-- - jobs.waiting is 1 while the job waits for its next_attempt_at, 0 once it is due. Whoever
--   writes next_attempt_at writes waiting with it (import, a finished attempt, retry, copy);
--   each claim turn sets waiting = 0 on the waiting jobs whose time has come (via jobs_waiting),
--   so a job only ever waits longer than its time until the next claim turn.
-- - jobs_ready holds the ready jobs, in batch order and then id (file) order, which is id order:
--   a later batch's jobs have the larger ids. The claim walks it, and sees no waiting job.
-- - jobs_waiting (and _by_batch) hold the waiting jobs by due time: "when is the next one due"
--   reads its first entry. An import of jobs without a schedule adds nothing to them.
-- - jobs_ended holds the jobs that ended, by state, for the commands that select jobs by state
--   (report, retry, cancel): an import adds nothing to it either.
-- - jobs_by_batch stays: status's counts per batch and state (and, summed, the queue's).
-- So an import adds two entries per job where it added four. Rows and ids are unchanged, so the
-- audit chain is untouched.
ALTER TABLE jobs ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;
-- Every pending job with a time waits for it; the first claim turn makes those already due ready.
UPDATE jobs SET waiting = 1 WHERE state = 'pending' AND next_attempt_at > 0;

DROP INDEX jobs_by_state;
DROP INDEX jobs_due;
DROP INDEX jobs_due_by_batch;
-- The claim, run --dry-run and status's oldest due job repeat these WHERE terms word for word,
-- which is how SQLite knows it may use a partial index.
CREATE INDEX jobs_ready ON jobs (batch_id, id) WHERE state = 'pending' AND waiting = 0;
CREATE INDEX jobs_waiting ON jobs (next_attempt_at) WHERE state = 'pending' AND waiting = 1;
CREATE INDEX jobs_waiting_by_batch ON jobs (batch_id, next_attempt_at)
  WHERE state = 'pending' AND waiting = 1;
CREATE INDEX jobs_ended ON jobs (state, id) WHERE state <> 'pending';
