-- PostgreSQL schema version 4 (SQLite's 11): jobs on a schedule (docs/formats.md#scheduled-jobs).
--
-- A job file's `not_before` and `expires_at`, as UTC milliseconds; NULL when the job has none,
-- which every job queued before this version is. Import sets next_attempt_at to not_before, so
-- the claim and its jobs_due indexes keep a job back until it is due with nothing new to ask;
-- not_before itself tells a job waiting for its time (scheduled) from a retry waiting for its
-- backoff. A job still pending at expires_at is cancelled with note 'expired' by the claim turn
-- that finds it.
ALTER TABLE jobs ADD COLUMN not_before BIGINT;
ALTER TABLE jobs ADD COLUMN expires_at BIGINT;
-- status's "scheduled" and when the next one is due; only jobs with a schedule are indexed.
CREATE INDEX jobs_scheduled ON jobs (not_before) WHERE state = 'pending' AND not_before IS NOT NULL;
-- Each claim turn looks for pending jobs past their expiry.
CREATE INDEX jobs_expiring ON jobs (expires_at) WHERE state = 'pending' AND expires_at IS NOT NULL;
