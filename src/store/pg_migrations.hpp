// The PostgreSQL schema's migrations: the numbered files of schema/pg/ (embedded at build time
// by cmake/embed_schema.cmake), applied in order on first use and recorded in the table
// oneall_schema. All of it runs in one transaction under a transaction-level advisory lock,
// so two programs opening a new database at once do not both create the tables. A database
// written by a newer version of the program is refused rather than guessed at.
#pragma once

#include <span>

#include "store/migrations.hpp"
#include "store/pg.hpp"
#include "util/result.hpp"

namespace oneall::store {

std::span<const Migration> embedded_pg_migrations();

// Whether the database holds a queue (our schema's version table): what QueueOpen::kExistingOnly
// asks before anything is created. PgError escapes.
bool pg_schema_present(PgConnection& connection);

// Brings the database to the latest embedded version.
Status migrate_pg(PgConnection& connection,
                  std::span<const Migration> migrations = embedded_pg_migrations());

}  // namespace oneall::store
