#include "store/pg_migrations.hpp"

#include <fmt/format.h>

namespace oneall::store {
namespace {

// The advisory lock key of schema changes: any fixed number, the same in every version.
constexpr std::int64_t kSchemaLockKey = 0x6f6e65616c6c01;  // "oneall" 01

int current_version(PgConnection& connection) {
  if (!pg_schema_present(connection)) return 0;
  PgRows rows = connection.query("SELECT MAX(version) FROM oneall_schema");
  return static_cast<int>(rows.optional_integer(0, 0).value_or(0));
}

}  // namespace

// Read from the catalog with the statement's own snapshot, not through to_regclass(): that
// looks in the backend's catalog caches, which a transaction that waited for the schema lock
// has not refreshed, so it would not see the tables the holder of the lock just committed.
bool pg_schema_present(PgConnection& connection) {
  return connection
             .query("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = "
                    "'oneall_schema' AND schemaname = ANY (current_schemas(false)))")
             .text(0, 0) == "t";
}

Status migrate_pg(PgConnection& connection, std::span<const Migration> migrations) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  int current = 0;
  const Migration* applying = nullptr;
  try {
    current = current_version(connection);
    if (current == latest) return Ok{};
    PgTransaction transaction(connection);
    connection.query("SELECT pg_advisory_xact_lock($1)", {kSchemaLockKey});
    // Read again under the lock: another program may have migrated meanwhile.
    current = current_version(connection);
    if (current > latest) {
      return Error{fmt::format(
          "this database was written by a newer oneall-bulk (schema version {}; this one knows "
          "up to {}): upgrade oneall-bulk, or use another --db",
          current, latest)};
    }
    connection.exec(
        "CREATE TABLE IF NOT EXISTS oneall_schema (version INTEGER PRIMARY KEY, "
        "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    for (const Migration& migration : migrations) {
      if (migration.version <= current) continue;
      applying = &migration;
      connection.exec(migration.sql);
      connection.query("INSERT INTO oneall_schema (version) VALUES ($1)", {migration.version});
    }
    transaction.commit();
    return Ok{};
  } catch (const PgError& e) {
    if (applying != nullptr) {
      return Error{fmt::format("cannot apply schema migration pg/{} (version {} to {}): {}",
                               applying->name, current, applying->version, e.what())};
    }
    return Error{fmt::format("cannot read the schema version: {}", e.what())};
  }
}

}  // namespace oneall::store
