#include "store/migrations.hpp"

#include <fmt/format.h>

#include <string_view>

#include "store/attempt_chain.hpp"

namespace oneall::store {
namespace {

// Steps SQL cannot do, run after a migration's DDL in its transaction: schema 3 chains the
// attempt rows written before the chain existed, so `audit verify` covers the whole log.
void run_program_step(Database& db, const Migration& migration) {
  if (std::string_view(migration.name) == "003_attempt_chain.sql") chain_unhashed_attempts(db);
}

int user_version(Database& db) {
  Statement version(db, "PRAGMA user_version");
  return version.step() ? static_cast<int>(version.column_int(0)) : 0;
}

}  // namespace

Status migrate(Database& db, std::span<const Migration> migrations) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  int current = 0;
  try {
    current = user_version(db);
  } catch (const SqliteError& e) {
    return Error{fmt::format("cannot read the schema version: {}", e.what())};
  }
  if (current > latest) {
    return Error{fmt::format(
        "this database was written by a newer oneall-bulk (schema version {}; this one knows "
        "up to {}): upgrade oneall-bulk, or use another --db",
        current, latest)};
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= current) continue;
    try {
      Transaction transaction(db);
      // Read again under the write lock: another process may have migrated meanwhile.
      current = user_version(db);
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      run_program_step(db, migration);
      db.exec(fmt::format("PRAGMA user_version = {}", migration.version));
      transaction.commit();
      current = migration.version;
    } catch (const SqliteError& e) {
      return Error{fmt::format("cannot apply schema migration {} (version {} to {}): {}",
                               migration.name, current, migration.version, e.what())};
    }
  }
  return Ok{};
}

}  // namespace oneall::store
