// Where a queue lives, as --db and ONEALL_BULK_DB give it: a SQLite file path (the embedded
// default), or a PostgreSQL URI (postgresql://... or postgres://..., libpq's own syntax). The
// shown form of a URI never holds its password, so messages, the runs table and JSON output
// can name the queue without leaking it.
#pragma once

#include <string>

#include "util/result.hpp"

namespace oneall::store {

struct QueueLocation {
  enum class Kind { kSqlite, kPostgres };
  Kind kind = Kind::kSqlite;
  std::string target;  // as given: the path, or the URI libpq connects with
  std::string shown;   // for people: the path, or the URI with any password replaced by "***"
};

// The shown form of `text` without checking it: the path, or the URI without its password.
std::string shown_location(const std::string& text);

// A malformed PostgreSQL URI is an Error naming what libpq found wrong (without the URI's
// password); anything that is not such a URI is a SQLite path.
Result<QueueLocation> parse_queue_location(const std::string& text);

}  // namespace oneall::store
