-- Schema version 2: how many times each attempt's request went out. libcurl sends a request
-- again by itself, on a fresh connection, when a reused connection closes before any answer
-- (it cannot be turned off); the first may have reached the server. 0: never sent. Rows from
-- version 1 could not tell and are taken as sent once.
ALTER TABLE attempts ADD COLUMN requests_sent INTEGER NOT NULL DEFAULT 1;
