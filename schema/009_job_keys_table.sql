-- Schema version 9: the job keys that make import idempotent move from an index on jobs into a
-- table of their own, so that an import can add them in key order (bench/README.md, "import").
--
-- job_key is a hash: inserting jobs in file order put each new entry of the UNIQUE index
-- jobs_by_key on a random page, and once that index outgrew the page cache (a few hundred
-- thousand jobs) every insert read and rewrote a page of it. The jobs table and its other
-- indexes grow at their end. Held apart, the keys are looked up (read only) while an import adds
-- its jobs, and written once at its end, sorted, so that each page of the key table is visited
-- once (src/store/queue_import.cpp). jobs.job_key keeps its value; job_keys is its index, kept
-- by the program that adds jobs. Rows and ids are unchanged, so the audit chain is untouched.

CREATE TABLE job_keys (
  job_key BLOB    PRIMARY KEY,   -- jobs.job_key of the job below: one job per key
  job_id  INTEGER NOT NULL       -- jobs.id (no REFERENCES: checking it in key order reads jobs
                                 -- at random pages, the cost this table is here to avoid)
) WITHOUT ROWID;

INSERT INTO job_keys (job_key, job_id) SELECT job_key, id FROM jobs ORDER BY job_key;
DROP INDEX jobs_by_key;
