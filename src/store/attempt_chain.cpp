#include "store/attempt_chain.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <optional>

#include "util/sha256.hpp"

namespace oneall::store {
namespace {

constexpr std::string_view kEncodingTag = "oneall-bulk attempt chain v1\n";

// Each value as `name=type:length:bytes` on its own line: the length makes the encoding
// unambiguous whatever the bytes (newlines, '=' or NULs in a response body).
void append_value(std::string& out, std::string_view name, std::string_view type,
                  std::string_view bytes) {
  std::array<char, 24> digits{};
  const auto length = std::to_chars(digits.data(), digits.data() + digits.size(), bytes.size());
  out += name;
  out += '=';
  out += type;
  out += ':';
  out.append(digits.data(), length.ptr);
  out += ':';
  out += bytes;
  out += '\n';
}

void append_integer(std::string& out, std::string_view name, std::int64_t value) {
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  append_value(out, name, "integer", std::string_view(digits.data(), end.ptr - digits.data()));
}

void append_optional(std::string& out, std::string_view name, std::optional<std::int64_t> value) {
  if (value) {
    append_integer(out, name, *value);
  } else {
    append_value(out, name, "null", "");
  }
}

void append_prev(std::string& canonical, std::string_view prev) {
  canonical += "prev=";
  canonical += prev;
  canonical += '\n';
}

}  // namespace

std::string chain_hash(const std::vector<ChainValue>& values, std::string_view prev) {
  std::string canonical(kEncodingTag);
  for (std::size_t i = 0; i < values.size() && i < kChainedColumns.size(); ++i) {
    append_value(canonical, kChainedColumns[i], values[i].type, values[i].text);
  }
  append_prev(canonical, prev);
  return sha256_hex(canonical);
}

// The same encoding as chain_hash(values, prev) over this record's stored values, written straight
// from the record into a buffer the caller reuses: no copy of each value, no allocation once the
// buffer has grown.
std::string chain_hash(const AttemptRecord& a, std::string_view prev, ChainScratch& scratch) {
  std::string& out = scratch.encoding;
  out.assign(kEncodingTag);
  const auto& c = kChainedColumns;
  append_integer(out, c[0], a.run_id);
  append_integer(out, c[1], a.job_id);
  append_integer(out, c[2], a.attempt);
  append_integer(out, c[3], a.started_at);
  append_integer(out, c[4], a.ended_at);
  append_value(out, c[5], "text", a.method);
  append_value(out, c[6], "text", a.path);
  append_value(out, c[7], "text", a.request_body);
  append_optional(out, c[8],
                  a.http_status != 0 ? std::optional<std::int64_t>(a.http_status) : std::nullopt);
  append_value(out, c[9], "text", a.curl_error);
  append_value(out, c[10], "text", a.retry_after);
  append_value(out, c[11], "text", a.api_flag);
  append_optional(out, c[12], a.api_code ? std::optional<std::int64_t>(*a.api_code) : std::nullopt);
  append_value(out, c[13], "text", a.api_info);
  append_value(out, c[14], "text", a.response_body);
  append_integer(out, c[15], a.response_truncated ? 1 : 0);
  append_value(out, c[16], "text", a.outcome);
  append_value(out, c[17], "text", a.note);
  append_integer(out, c[18], a.requests_sent);
  append_prev(out, prev);
  return scratch.sha256.hex(out);
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
