#include "store/pg.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <sys/socket.h>

#include <charconv>
#include <optional>
#include <vector>

namespace oneall::store {
namespace {

// libpq's messages end with a newline and may go on over several lines ("Is the server
// running ...?"); the first says what happened.
std::string first_line(const char* message) {
  std::string_view text = message != nullptr ? message : "";
  text = text.substr(0, text.find('\n'));
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  // The server's severity may also come after libpq's own words ("... failed: FATAL:  database
  // \"x\" does not exist"): the user needs the cause, not the level.
  std::string line(text);
  for (const char* level : {"ERROR:  ", "FATAL:  "}) {
    for (std::size_t at = line.find(level); at != std::string::npos; at = line.find(level, at)) {
      line.erase(at, 8);
    }
  }
  return line;
}

}  // namespace

void PgRows::Clear::operator()(pg_result* result) const { PQclear(result); }

int PgRows::size() const { return PQntuples(result_.get()); }

int PgRows::columns() const { return PQnfields(result_.get()); }

bool PgRows::is_boolean(int column) const {
  constexpr Oid kBoolOid = 16;  // pg_type.oid of boolean, fixed in every PostgreSQL
  return PQftype(result_.get(), column) == kBoolOid;
}

bool PgRows::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) == 1;
}

std::string PgRows::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::int64_t PgRows::integer(int row, int column) const {
  const char* text = PQgetvalue(result_.get(), row, column);
  const char* end = text + PQgetlength(result_.get(), row, column);
  std::int64_t value = 0;
  if (std::from_chars(text, end, value).ec != std::errc()) {
    throw PgError("", fmt::format("column {} holds '{}', not an integer", column, text));
  }
  return value;
}

std::optional<std::int64_t> PgRows::optional_integer(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return integer(row, column);
}

std::int64_t PgRows::affected() const {
  const char* tuples = PQcmdTuples(result_.get());
  std::int64_t value = 0;
  std::from_chars(tuples, tuples + std::char_traits<char>::length(tuples), value);
  return value;
}

void PgConnection::Finish::operator()(pg_conn* connection) const { PQfinish(connection); }

Result<PgConnection> PgConnection::connect(const std::string& conninfo) {
  // Defaults for a server that vanishes: give up connecting after 10 s, and let TCP notice a
  // peer that stopped answering within about a minute. The user's own conninfo (expanded in
  // place of "dbname", after these) overrides any of them. Unix sockets ignore the TCP ones.
  static constexpr const char* kKeys[] = {"connect_timeout",
                                          "keepalives_idle",
                                          "keepalives_interval",
                                          "keepalives_count",
                                          "tcp_user_timeout",
                                          "dbname",
                                          nullptr};
  const char* values[] = {"10", "30", "10", "3", "60000", conninfo.c_str(), nullptr};
  // Owns the connection even when it failed.
  PgConnection connection(PQconnectdbParams(kKeys, values, /*expand_dbname=*/1));
  if (!connection.connection_) return Error{"cannot connect to PostgreSQL: out of memory"};
  if (PQstatus(connection.connection_.get()) != CONNECTION_OK) {
    return Error{fmt::format("cannot connect to PostgreSQL: {}",
                             first_line(PQerrorMessage(connection.connection_.get())))};
  }
  connection.socket_ = PQsocket(connection.connection_.get());
  return connection;
}

void PgConnection::sever() const {
  if (socket_ >= 0) (void)shutdown(socket_, SHUT_RDWR);
}

void PgConnection::exec(std::string_view sql) {
  const std::string text(sql);
  PgRows rows(PQexec(connection_.get(), text.c_str()));
  const ExecStatusType status = PQresultStatus(rows.result_.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(rows.result_.get(), PG_DIAG_SQLSTATE);
    throw PgError(state != nullptr ? state : "", first_line(PQerrorMessage(connection_.get())));
  }
}

PgRows PgConnection::query(std::string_view sql, std::initializer_list<PgParam> params) {
  return query_range(sql, params);
}

PgRows PgConnection::run(std::string_view sql, const char* const* values, int count) {
  const std::string text(sql);
  PgRows rows(
      PQexecParams(connection_.get(), text.c_str(), count, nullptr, values, nullptr, nullptr, 0));
  const ExecStatusType status = PQresultStatus(rows.result_.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = PQresultErrorField(rows.result_.get(), PG_DIAG_SQLSTATE);
    throw PgError(state != nullptr ? state : "", first_line(PQerrorMessage(connection_.get())));
  }
  return rows;
}

PgCopyIn::PgCopyIn(PgConnection& connection, std::string_view copy_sql) : connection_(connection) {
  const std::string text(copy_sql);
  pg_conn* conn = connection_.connection_.get();
  PgRows started(PQexec(conn, text.c_str()));
  if (PQresultStatus(started.result_.get()) != PGRES_COPY_IN) {
    const char* state = PQresultErrorField(started.result_.get(), PG_DIAG_SQLSTATE);
    throw PgError(state != nullptr ? state : "", first_line(PQerrorMessage(conn)));
  }
}

PgCopyIn::~PgCopyIn() {
  if (done_) return;
  pg_conn* conn = connection_.connection_.get();
  PQputCopyEnd(conn, "the import stopped");
  while (PgRows(PQgetResult(conn)).result_) {  // drained, so the connection is idle again
  }
}

void PgCopyIn::put(std::string_view data) {
  pg_conn* conn = connection_.connection_.get();
  if (PQputCopyData(conn, data.data(), static_cast<int>(data.size())) != 1) {
    throw PgError("", first_line(PQerrorMessage(conn)));
  }
}

std::int64_t PgCopyIn::finish() {
  pg_conn* conn = connection_.connection_.get();
  done_ = true;
  if (PQputCopyEnd(conn, nullptr) != 1) throw PgError("", first_line(PQerrorMessage(conn)));
  std::optional<PgError> failure;
  std::int64_t rows = 0;
  // The verdict, then nothing: every result is read so that the connection is idle after.
  for (PgRows result(PQgetResult(conn)); result.result_; result = PgRows(PQgetResult(conn))) {
    if (PQresultStatus(result.result_.get()) == PGRES_COMMAND_OK) {
      rows = result.affected();
    } else if (!failure) {
      const char* state = PQresultErrorField(result.result_.get(), PG_DIAG_SQLSTATE);
      failure.emplace(state != nullptr ? state : "",
                      first_line(PQresultErrorMessage(result.result_.get())));
    }
  }
  if (failure) throw *failure;
  return rows;
}

void append_copy_field(std::string& line, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\':
        line += "\\\\";
        break;
      case '\t':
        line += "\\t";
        break;
      case '\n':
        line += "\\n";
        break;
      case '\r':
        line += "\\r";
        break;
      default:
        line += c;
    }
  }
}

PgTransaction::PgTransaction(PgConnection& connection) : connection_(connection) {
  connection_.exec("BEGIN");
}

PgTransaction::~PgTransaction() {
  if (done_) return;
  try {
    connection_.exec("ROLLBACK");
  } catch (const PgError&) {
    // The connection may be gone; the server rolls back an open transaction by itself then.
  }
}

void PgTransaction::commit() {
  connection_.exec("COMMIT");
  done_ = true;
}

}  // namespace oneall::store
