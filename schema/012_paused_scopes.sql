-- Schema version 12: scopes a user has paused (`pause`, docs/cli.md#pause-and-resume).
--
-- A run claims no job in a paused scope: the whole queue ('queue') or one batch ('batch:N').
-- Rows come and go with `pause` and `resume`; a run reads them on every claim and at least every
-- 250 ms, so a pause stops new requests of a run already going. A batch's pause goes with the
-- batch when `prune` empties it, so a later batch that reuses its id is not born paused.
CREATE TABLE paused_scopes (
  scope     TEXT    PRIMARY KEY,                                  -- 'queue' or 'batch:N'
  batch_id  INTEGER REFERENCES batches (id) ON DELETE CASCADE,   -- N; NULL for 'queue'
  paused_at INTEGER NOT NULL,                                     -- ms since the epoch
  paused_by TEXT    NOT NULL,                                     -- user@host
  CHECK ((scope = 'queue' AND batch_id IS NULL) OR scope = 'batch:' || batch_id)
);
