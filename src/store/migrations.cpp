#include "store/migrations.hpp"

#include <fmt/format.h>

#include <optional>
#include <string_view>

#include "store/attempt_chain.hpp"
#include "store/job_keys.hpp"

namespace oneall::store {
namespace {

// Schema 4's keys, which SQL cannot compute, into temp.job_keys_v4 for its DDL to copy from.
void compute_compact_job_keys(Database& db) {
  db.exec(
      "CREATE TEMP TABLE job_keys_v4 (id INTEGER PRIMARY KEY, job_key BLOB NOT NULL, "
      "object_hash INTEGER NOT NULL)");
  Statement select(db, "SELECT id, job_key, object_key FROM main.jobs ORDER BY id");
  Statement insert(db, "INSERT INTO temp.job_keys_v4 VALUES (?1, ?2, ?3)");
  while (select.step()) {
    insert.bind(1, select.column_int(0))
        .bind_blob(2, stored_job_key(select.column_text(1)))
        .bind(3, object_hash(select.column_text(2)))
        .run();
  }
}

// Steps SQL cannot do, run in the migration's transaction: schema 3 chains (after its DDL) the
// attempt rows written before the chain existed, so `audit verify` covers the whole log;
// schema 4 computes (before its DDL) the compact keys its rebuilt jobs table holds.
void run_program_step_before(Database& db, const Migration& migration) {
  if (std::string_view(migration.name) == "004_compact_job_keys.sql") compute_compact_job_keys(db);
}

void run_program_step_after(Database& db, const Migration& migration) {
  if (std::string_view(migration.name) == "003_attempt_chain.sql") chain_unhashed_attempts(db);
}

void check_foreign_keys(Database& db) {
  Statement check(db, "PRAGMA foreign_key_check");
  if (check.step()) {
    throw SqliteError(0,
                      fmt::format("the step leaves a row of {} (rowid {}) referring to a "
                                  "missing row of {}",
                                  check.column_text(0), check.column_int(1), check.column_text(2)));
  }
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
    return store_error(e, "read the schema version");
  }
  if (current > latest) {
    return Error{fmt::format(
        "this database was written by a newer oneall-bulk (schema version {}; this one knows "
        "up to {}): upgrade oneall-bulk, or use another --db",
        current, latest)};
  }
  if (current == latest) return Ok{};
  // A migration that rebuilds a table drops the old one, which foreign keys would refuse (or
  // cascade); SQLite's advice is to turn them off meanwhile and check them before committing.
  std::optional<ForeignKeysOff> foreign_keys_off;
  try {
    foreign_keys_off.emplace(db);
  } catch (const SqliteError& e) {
    return store_error(e, "prepare the schema migration");
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= current) continue;
    try {
      Transaction transaction(db);
      // Read again under the write lock: another process may have migrated meanwhile.
      current = user_version(db);
      if (migration.version <= current) continue;
      run_program_step_before(db, migration);
      db.exec(migration.sql);
      run_program_step_after(db, migration);
      check_foreign_keys(db);
      db.exec(fmt::format("PRAGMA user_version = {}", migration.version));
      transaction.commit();
      current = migration.version;
    } catch (const SqliteError& e) {
      return store_error(e, fmt::format("apply schema migration {} (version {} to {})",
                                        migration.name, current, migration.version));
    }
  }
  return Ok{};
}

}  // namespace oneall::store
