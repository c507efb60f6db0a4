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

void append_attempt(PgConnection& connection, const AttemptRecord& a, PgChainTail& tail) {
  ChainScratch scratch;
  std::string hash = chain_hash(a, tail.hash, scratch);
  const std::int64_t id = tail.id + 1;
  connection.query(
      "INSERT INTO attempts (id, run_id, job_id, attempt, started_at, ended_at, method, path, "
      "request_body, http_status, curl_error, retry_after, api_flag, api_code, api_info, "
      "response_body, response_truncated, outcome, note, requests_sent, prev_hash, row_hash) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
      "$19, $20, $21, $22)",
      {id, a.run_id, a.job_id, a.attempt, a.started_at, a.ended_at, a.method, a.path,
       a.request_body,
       a.http_status != 0 ? PgParam(a.http_status) : PgParam(std::nullopt), a.curl_error,
       bytea_param(a.retry_after), a.api_flag,
       a.api_code ? PgParam(*a.api_code) : PgParam(std::nullopt), a.api_info,
       bytea_param(a.response_body), a.response_truncated ? 1 : 0, a.outcome, a.note,
       a.requests_sent, tail.hash, hash});
  tail.id = id;
  tail.hash = std::move(hash);
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
    return Error{fmt::format("cannot open queue database {}: {}", shown, connected.error().message)};
  }
  PgConnection connection = std::move(connected).value();
  bool created_now = false;
  try {
    created_now = !pg_schema_present(connection);
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("open queue database {}", shown));
  }
  if (created_now && how == QueueOpen::kExistingOnly) {
    return Error{fmt::format("there is no queue at {}: the database holds no oneall-bulk queue",
                             shown)};
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
