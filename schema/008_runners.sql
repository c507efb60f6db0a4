-- Schema version 8: a run says it is alive, and runs share their rate limits.
--
-- A run stamps heartbeat_at when it renews its leases (every third of a lease), and live_until
-- is how long that stamp vouches for it. `status` lists the runs whose live_until has not
-- passed (docs/cli.md#status); a run killed with -9 drops off the list when it runs out.
ALTER TABLE runs ADD COLUMN heartbeat_at INTEGER;
ALTER TABLE runs ADD COLUMN live_until INTEGER;

-- The rate limits every run of the queue shares (docs/cli.md#rate-limits): per scope ('run' for
-- --rate, 'identity:TOKEN' for --identity-rate), the generic cell rate algorithm's arrival
-- time: the earliest moment a send nobody has reserved yet may start. Runs reserve a short
-- window of sends at a time, which moves it on.
CREATE TABLE rate_budgets (
  scope      TEXT PRIMARY KEY,
  arrival_us INTEGER NOT NULL  -- microseconds since the epoch
) WITHOUT ROWID;
