-- Schema version 3: the audit log's hash chain, and a retried job's fresh attempts.
--
-- Each attempt row carries the hash of the row before it (prev_hash; 64 zeros for the first row)
-- and its own hash (row_hash): SHA-256 over its canonical content and prev_hash, in the encoding
-- docs/formats.md describes ("The audit hash chain"). `audit verify` recomputes both. Rows
-- written before this version are chained by the program in this same migration step
-- (src/store/migrations.cpp), in id order, so the chain covers the whole log.
ALTER TABLE attempts ADD COLUMN prev_hash TEXT;
ALTER TABLE attempts ADD COLUMN row_hash TEXT;

-- `retry` gives a failed or dead job a fresh set of attempts without renumbering its audit
-- rows: the attempts it had used when it was retried. --max-attempts counts from here.
ALTER TABLE jobs ADD COLUMN attempt_base INTEGER NOT NULL DEFAULT 0;
