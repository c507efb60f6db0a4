// PgQueue::open and the helpers its parts share: the connection, the schema, errors, BYTEA and
// the audit chain's appends.
#include "store/pg_queue.hpp"

#include <fmt/format.h>

#include <optional>

#include "store/attempt_chain.hpp"
#include "store/pg_migrations.hpp"

namespace oneall::store {
namespace {

// Nothing beside a run: PostgreSQL keeps its own log in order.
class NoUpkeep final : public RunUpkeep {};

constexpr const char* kHexDigits = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

Result<PgConnection> connect_quietly(const std::string& uri) {
  auto connected = PgConnection::connect(uri);
  if (!connected) return connected.error();
  try {
    // libpq prints the server's notices ("relation ... already exists, skipping") on stderr.
    connected->exec("SET client_min_messages = warning");
  } catch (const PgError& e) {
    return Error{fmt::format("cannot set up the PostgreSQL session: {}", e.what())};
  }
  return connected;
}

}  // namespace

Error pg_store_error(const PgError& error, std::string_view doing, std::string_view consequence) {
  std::string message = fmt::format("cannot {}: {}", doing, error.what());
  if (error.sqlstate().empty()) message += " (is the PostgreSQL server still reachable?)";
  if (!consequence.empty()) message += fmt::format("; {}", consequence);
  return Error{message};
}

std::string bytea_param(std::string_view bytes) {
  std::string text = "\\x";
  text.reserve(2 + 2 * bytes.size());
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    text += kHexDigits[byte >> 4];
    text += kHexDigits[byte & 0xf];
  }
  return text;
}

std::string bytea_value(const PgRows& rows, int row, int column) {
  const std::string text = rows.text(row, column);
  std::string bytes;
  if (text.size() < 2) return bytes;
  bytes.reserve((text.size() - 2) / 2);
  for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
    bytes += static_cast<char>(hex_value(text[i]) * 16 + hex_value(text[i + 1]));
  }
  return bytes;
}

PgChainTail lock_chain_tail(PgConnection& connection) {
  connection.exec("SELECT 1 FROM chain_head FOR UPDATE");
  PgRows last = connection.query("SELECT id, row_hash FROM attempts ORDER BY id DESC LIMIT 1");
  if (last.size() == 0) return {0, std::string(kChainGenesis)};
  return {last.integer(0, 0), last.is_null(0, 1) ? std::string(kChainGenesis) : last.text(0, 1)};
}

void append_attempts(PgConnection& connection, std::span<const AttemptRecord* const> attempts,
                     PgChainTail& tail) {
  constexpr std::size_t kColumns = 22;
  ChainScratch scratch;
  std::string sql =
      "INSERT INTO attempts (id, run_id, job_id, attempt, started_at, ended_at, method, path, "
      "request_body, http_status, curl_error, retry_after, api_flag, api_code, api_info, "
      "response_body, response_truncated, outcome, note, requests_sent, prev_hash, row_hash) "
      "VALUES ";
  std::vector<PgParam> params;
  params.reserve(attempts.size() * kColumns);
  for (std::size_t row = 0; row < attempts.size(); ++row) {
    const AttemptRecord& a = *attempts[row];
    std::string hash = chain_hash(a, tail.hash, scratch);
    sql += row == 0 ? "(" : ", (";
    for (std::size_t column = 1; column <= kColumns; ++column) {
      sql += fmt::format("{}${}", column == 1 ? "" : ", ", row * kColumns + column);
    }
    sql += ')';
    const std::int64_t id = tail.id + 1;
    for (PgParam value : {PgParam(id),
                          PgParam(a.run_id),
                          PgParam(a.job_id),
                          PgParam(a.attempt),
                          PgParam(a.started_at),
                          PgParam(a.ended_at),
                          PgParam(a.method),
                          PgParam(a.path),
                          PgParam(a.request_body),
                          a.http_status != 0 ? PgParam(a.http_status) : PgParam(std::nullopt),
                          PgParam(a.curl_error),
                          PgParam(bytea_param(a.retry_after)),
                          PgParam(a.api_flag),
                          a.api_code ? PgParam(*a.api_code) : PgParam(std::nullopt),
                          PgParam(a.api_info),
                          PgParam(bytea_param(a.response_body)),
                          PgParam(a.response_truncated ? 1 : 0),
                          PgParam(a.outcome),
                          PgParam(a.note),
                          PgParam(a.requests_sent),
                          PgParam(tail.hash),
                          PgParam(hash)}) {
      params.push_back(std::move(value));
    }
    tail.id = id;
    tail.hash = std::move(hash);
  }
  if (!attempts.empty()) connection.query_range(sql, params);
}

void append_attempt(PgConnection& connection, const AttemptRecord& attempt, PgChainTail& tail) {
  const AttemptRecord* one[] = {&attempt};
  append_attempts(connection, one, tail);
}

PgQueue::PgQueue(std::string shown, PgConnection connection, const Clock& clock, bool created_now)
    : shown_(std::move(shown)),
      created_now_(created_now),
      connection_(std::move(connection)),
      clock_(clock) {}

PgQueue::~PgQueue() = default;

Result<std::unique_ptr<PgQueue>> PgQueue::open(const std::string& uri, const std::string& shown,
                                               const Clock& clock, QueueOpen how) {
  auto connected = connect_quietly(uri);
  if (!connected) {
    return Error{
        fmt::format("cannot open queue database {}: {}", shown, connected.error().message)};
  }
  PgConnection connection = std::move(connected).value();
  bool created_now = false;
  try {
    created_now = !pg_schema_present(connection);
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("open queue database {}", shown));
  }
  if (created_now && how == QueueOpen::kExistingOnly) {
    return Error{
        fmt::format("there is no queue at {}: the database holds no oneall-bulk queue", shown)};
  }
  if (auto migrated = migrate_pg(connection); !migrated) {
    return Error{fmt::format("cannot open queue database {}: {}", shown, migrated.error().message)};
  }
  return std::make_unique<PgQueue>(shown, std::move(connection), clock, created_now);
}

Result<bool> PgQueue::exists(const std::string& uri) {
  auto connected = connect_quietly(uri);
  if (!connected) return connected.error();
  try {
    return pg_schema_present(*connected);
  } catch (const PgError& e) {
    return pg_store_error(e, "look for a queue in the database");
  }
}

Result<std::unique_ptr<RunUpkeep>> PgQueue::start_run_upkeep() {
  return std::unique_ptr<RunUpkeep>(std::make_unique<NoUpkeep>());
}

}  // namespace oneall::store
