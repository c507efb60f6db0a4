// Schema migrations: the numbered files of schema/ (embedded into the binary at build time by
// cmake/embed_schema.cmake) applied in order according to PRAGMA user_version. A database
// written by a newer version of the program is refused rather than guessed at.
#pragma once

#include <span>

#include "store/sqlite.hpp"
#include "util/result.hpp"

namespace oneall::store {

struct Migration {
  int version;       // NNN of schema/NNN_name.sql
  const char* name;  // file name
  const char* sql;
};

std::span<const Migration> embedded_migrations();

// Brings `db` to the latest embedded version, each step in its own transaction.
Status migrate(Database& db, std::span<const Migration> migrations = embedded_migrations());

}  // namespace oneall::store
