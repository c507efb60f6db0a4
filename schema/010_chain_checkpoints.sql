-- Schema version 10: where the attempt log goes on after `prune` moved its oldest rows out.
--
-- `prune` (docs/cli.md#prune) moves a prefix of the attempt log, and the jobs it belongs to, into
-- an archive file, and leaves one row here per prune: the hash the pruned rows chained from
-- (start_hash: the genesis, or the previous checkpoint's end_hash), the last row it took and that
-- row's hash (end_hash), which the first row left in the queue links to. `audit verify` starts
-- from the last checkpoint; `audit verify --archive FILE` checks an archive's rows end here.
CREATE TABLE chain_checkpoints (
  id              INTEGER PRIMARY KEY,
  created_at      INTEGER NOT NULL,
  before_ms       INTEGER NOT NULL,  -- jobs that last changed before this were pruned
  start_hash      TEXT    NOT NULL,
  after_attempt_id INTEGER NOT NULL, -- the rows pruned had ids above this ...
  last_attempt_id INTEGER NOT NULL,  -- ... up to this one (equal: none, only jobs without rows)
  end_hash        TEXT    NOT NULL,
  attempts        INTEGER NOT NULL,
  jobs            INTEGER NOT NULL,
  batches         INTEGER NOT NULL,
  archive         TEXT    NOT NULL   -- the archive file, as prune was given it
);
