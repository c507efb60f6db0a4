-- PostgreSQL schema version 2: many runners on one queue.
--
-- A run stamps heartbeat_at when it renews its leases (every third of a lease), and live_until
-- is how long that stamp vouches for it: `status` lists the runs whose live_until has not
-- passed. Claims take back the jobs whose lease ran out (a runner that died or was cut off):
-- in_flight_by_lease finds them without reading every row in flight.
ALTER TABLE runs ADD COLUMN heartbeat_at BIGINT;
ALTER TABLE runs ADD COLUMN live_until BIGINT;
CREATE INDEX runs_unended ON runs (id) WHERE ended_at IS NULL;
CREATE INDEX in_flight_by_lease ON in_flight (lease_until);

-- The rate limits every runner of the queue shares (docs/cli.md#rate-limits): per scope ('run'
-- for --rate, 'identity:TOKEN' for --identity-rate), the generic cell rate algorithm's arrival
-- time: the earliest moment a send nobody has reserved yet may start. Runners reserve a short
-- window of sends at a time, which moves it on; a 429 holds it for everyone.
CREATE TABLE rate_budgets (
  scope      TEXT PRIMARY KEY,
  arrival_us BIGINT NOT NULL  -- microseconds since the epoch
);
