-- Schema version 7: the queue remembers the API root it was first run against.
--
-- A job's state is only true of the server it was sent to: jobs that `succeeded` against the
-- sandbox were never sent to the real API. So the first run binds the queue to its API root
-- ('sandbox' for the in-process emulator, the URL otherwise), and a run against another root
-- is refused (docs/cli.md, "Rehearse, then go live"). One row per setting.
CREATE TABLE queue_settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- A queue from before: bound to the root of its first run, as a run of this version would have
-- bound it. A queue that was rehearsed on the sandbox and then "run for real" by an older version
-- (which sent nothing) is so bound to the sandbox, and its next real run is refused.
INSERT INTO queue_settings (name, value)
  SELECT 'api_root',
         CASE WHEN json_extract(options_json, '$.sandbox') THEN 'sandbox'
              ELSE json_extract(options_json, '$.endpoint') END
  FROM runs
  WHERE json_valid(options_json) AND json_type(options_json, '$.endpoint') = 'text'
  ORDER BY id LIMIT 1;
