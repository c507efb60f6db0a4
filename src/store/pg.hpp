// RAII owners for libpq, in the style of sqlite.hpp: a PgConnection owns its PGconn*, a PgRows
// its PGresult*, a PgTransaction rolls back in its destructor unless committed, a PgCopyIn
// ends its COPY (aborting it unless finished). No raw libpq
// handle lives outside this file's classes. Connecting is part of normal life (a server that
// is down, a refused login) and returns an Error; a failed statement throws PgError, which the
// queue turns into an Error at its boundary. No message ever holds the password.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

struct pg_conn;
struct pg_result;

namespace oneall::store {

class PgError : public std::runtime_error {
 public:
  PgError(std::string sqlstate, const std::string& message)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  // The five-character SQLSTATE ("40001" serialization failure, "23505" unique violation, ...);
  // empty when the failure was not the server's (a lost connection).
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// One parameter of a statement, sent as text; std::nullopt is NULL.
class PgParam {
 public:
  PgParam(std::nullopt_t) {}                                       // NOLINT: implicit by design
  PgParam(std::string_view text) : text_(std::string(text)) {}     // NOLINT
  PgParam(const std::string& text) : text_(text) {}                // NOLINT
  PgParam(const char* text) : text_(std::string(text)) {}          // NOLINT
  PgParam(std::int64_t number) : text_(std::to_string(number)) {}  // NOLINT
  PgParam(int number) : text_(std::to_string(number)) {}           // NOLINT
  const std::optional<std::string>& text() const { return text_; }

 private:
  std::optional<std::string> text_;
};

// The rows of one statement's result (text format).
class PgRows {
 public:
  int size() const;
  int columns() const;
  bool is_boolean(int column) const;  // a column of type boolean (its text is "t" or "f")
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;  // "" for NULL
  std::int64_t integer(int row, int column) const;
  std::optional<std::int64_t> optional_integer(int row, int column) const;
  std::int64_t affected() const;  // rows an INSERT, UPDATE or DELETE changed

 private:
  friend class PgConnection;
  friend class PgCopyIn;
  struct Clear {
    void operator()(pg_result* result) const;
  };
  explicit PgRows(pg_result* result) : result_(result) {}
  std::unique_ptr<pg_result, Clear> result_;
};

class PgConnection {
 public:
  // Connects with libpq's own syntax (a postgresql:// URI or key=value pairs; sslmode,
  // PGPASSWORD, ~/.pgpass and PGSERVICE apply). A failure is one line naming the cause.
  static Result<PgConnection> connect(const std::string& conninfo);

  // Cuts the connection's socket, so a statement waiting on a server that no longer answers
  // (a network that drops packets, a frozen peer) fails at once, and so does every later one.
  // The one member that may be called from another thread while this one is in use.
  void sever() const;

  void exec(std::string_view sql);  // one or more statements, no parameters, no rows
  PgRows query(std::string_view sql, std::initializer_list<PgParam> params = {});
  template <class Params>
  PgRows query_range(std::string_view sql, const Params& params);

 private:
  friend class PgCopyIn;
  struct Finish {
    void operator()(pg_conn* connection) const;
  };
  explicit PgConnection(pg_conn* connection) : connection_(connection) {}
  PgRows run(std::string_view sql, const char* const* values, int count);
  std::unique_ptr<pg_conn, Finish> connection_;
  int socket_ = -1;  // the connection's, read once connected: sever() must not ask libpq
};

template <class Params>
PgRows PgConnection::query_range(std::string_view sql, const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgParam& param : params) {
    values.push_back(param.text() ? param.text()->c_str() : nullptr);
  }
  return run(sql, values.data(), static_cast<int>(values.size()));
}

// One `COPY ... FROM STDIN` (text format): the rows are sent with put() in as many pieces as the
// caller likes, and finish() waits for the server's verdict on all of them. Destroyed unfinished
// (an exception on the way), it aborts the COPY so that the connection takes commands again.
class PgCopyIn {
 public:
  PgCopyIn(PgConnection& connection, std::string_view copy_sql);
  ~PgCopyIn();
  PgCopyIn(const PgCopyIn&) = delete;
  PgCopyIn& operator=(const PgCopyIn&) = delete;
  void put(std::string_view data);
  std::int64_t finish();  // the rows the server took

 private:
  PgConnection& connection_;
  bool done_ = false;
};

// `text` as one field of COPY's text format: backslash, tab, newline and carriage return
// escaped; every other byte as it is.
void append_copy_field(std::string& line, std::string_view text);

class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& connection);
  ~PgTransaction();  // rolls back unless committed
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  void commit();

 private:
  PgConnection& connection_;
  bool done_ = false;
};

}  // namespace oneall::store
