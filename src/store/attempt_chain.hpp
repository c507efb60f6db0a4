// The audit log's hash chain (docs/formats.md): each row's hash covers its canonical content
// and the hash of the row before it, so an edit, a deletion or a reordering of rows shows when
// the chain is walked again (src/audit/chain_verify.*). This file holds the one encoding both
// the writer (QueueStatements::record_attempt, and the migration that chains older rows) and
// the verifier use; docs/formats.md documents it for anyone checking the log with other tools.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"
#include "store/sqlite.hpp"
#include "util/sha256.hpp"

namespace oneall::store {

// The hashed columns, in hashing order: every column of `attempts` but id (its place in the
// order is what the links prove) and the two hash columns.
inline constexpr std::array<std::string_view, 19> kChainedColumns = {
    "run_id",      "job_id",     "attempt",       "started_at",
    "ended_at",    "method",     "path",          "request_body",
    "http_status", "curl_error", "retry_after",   "api_flag",
    "api_code",    "api_info",   "response_body", "response_truncated",
    "outcome",     "note",       "requests_sent"};

// prev_hash of the first row.
inline constexpr std::string_view kChainGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// SHA-256 (hex) of the canonical encoding of `values` (in kChainedColumns order) and `prev`:
// the verifier's hash, from values read back with read_chain_values().
std::string chain_hash(const std::vector<ChainValue>& values, std::string_view prev);
// What the writer's chain_hash reuses from row to row: the encoding buffer (any content) and
// the hasher.
struct ChainScratch {
  std::string encoding;
  Sha256 sha256;
};
// The same hash for the writer, straight from `attempt`'s values exactly as record_attempt
// binds them (0 HTTP status as NULL, ...): it encodes into `scratch` instead of building a
// value list.
std::string chain_hash(const AttemptRecord& attempt, std::string_view prev, ChainScratch& scratch);

// "typeof(run_id), run_id, typeof(job_id), ...": the select list that reads a stored row's
// values back; read_chain_values() takes them from a statement starting at `first_column`.
std::string chain_select_list();
std::vector<ChainValue> read_chain_values(const Statement& row, int first_column);

// Chains rows that have no hash yet (a log from before schema version 3), in id order, after
// the last chained row. Used by the migration step, inside its transaction.
void chain_unhashed_attempts(Database& db);

}  // namespace oneall::store
