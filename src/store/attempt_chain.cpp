#include "store/attempt_chain.hpp"

#include <fmt/format.h>

#include <optional>

#include "util/sha256.hpp"

namespace oneall::store {
namespace {

constexpr std::string_view kEncodingTag = "oneall-bulk attempt chain v1\n";

ChainValue integer(std::int64_t value) { return {"integer", std::to_string(value)}; }
ChainValue text(const std::string& value) { return {"text", value}; }
ChainValue null() { return {"null", ""}; }

}  // namespace

std::vector<ChainValue> chain_values(const AttemptRecord& a) {
  return {integer(a.run_id),
          integer(a.job_id),
          integer(a.attempt),
          integer(a.started_at),
          integer(a.ended_at),
          text(a.method),
          text(a.path),
          text(a.request_body),
          a.http_status != 0 ? integer(a.http_status) : null(),
          text(a.curl_error),
          text(a.retry_after),
          text(a.api_flag),
          a.api_code ? integer(*a.api_code) : null(),
          text(a.api_info),
          text(a.response_body),
          integer(a.response_truncated ? 1 : 0),
          text(a.outcome),
          text(a.note),
          integer(a.requests_sent)};
}

// Each value as `name=type:length:bytes` on its own line: the length makes the encoding
// unambiguous whatever the bytes (newlines, '=' or NULs in a response body).
std::string chain_hash(const std::vector<ChainValue>& values, std::string_view prev) {
  std::string canonical(kEncodingTag);
  for (std::size_t i = 0; i < values.size() && i < kChainedColumns.size(); ++i) {
    canonical +=
        fmt::format("{}={}:{}:", kChainedColumns[i], values[i].type, values[i].text.size());
    canonical += values[i].text;
    canonical += '\n';
  }
  canonical += "prev=";
  canonical += prev;
  canonical += '\n';
  return sha256_hex(canonical);
}

std::string chain_select_list() {
  std::string list;
  for (std::string_view column : kChainedColumns) {
    if (!list.empty()) list += ", ";
    list += fmt::format("typeof({0}), {0}", column);
  }
  return list;
}

std::vector<ChainValue> read_chain_values(const Statement& row, int first_column) {
  std::vector<ChainValue> values;
  values.reserve(kChainedColumns.size());
  for (std::size_t i = 0; i < kChainedColumns.size(); ++i) {
    const int column = first_column + 2 * static_cast<int>(i);
    values.push_back({row.column_text(column), row.column_text(column + 1)});
  }
  return values;
}

void chain_unhashed_attempts(Database& db) {
  std::string prev(kChainGenesis);
  std::int64_t after_id = 0;
  {
    Statement last(db,
                   "SELECT id, row_hash FROM attempts WHERE row_hash IS NOT NULL "
                   "ORDER BY id DESC LIMIT 1");
    if (last.step()) {
      after_id = last.column_int(0);
      prev = last.column_text(1);
    }
  }
  Statement select(db, fmt::format("SELECT id, {} FROM attempts WHERE id > ?1 AND row_hash IS "
                                   "NULL ORDER BY id",
                                   chain_select_list()));
  Statement update(db, "UPDATE attempts SET prev_hash = ?2, row_hash = ?3 WHERE id = ?1");
  select.bind(1, after_id);
  // Updating rows the select has already passed is safe in SQLite: the walk is by rowid.
  while (select.step()) {
    const std::string hash = chain_hash(read_chain_values(select, 1), prev);
    update.bind(1, select.column_int(0)).bind(2, prev).bind(3, hash).run();
    prev = hash;
  }
}

}  // namespace oneall::store
