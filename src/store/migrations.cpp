#include "store/migrations.hpp"

#include <fmt/format.h>

namespace oneall::store {

Status migrate(Database& db, std::span<const Migration> migrations) {
  try {
    int current = 0;
    {
      Statement version(db, "PRAGMA user_version");
      if (version.step()) current = static_cast<int>(version.column_int(0));
    }
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    if (current > latest) {
      return Error{fmt::format(
          "this database was written by a newer oneall-bulk (schema version {}; this one knows "
          "up to {}): upgrade oneall-bulk, or use another --db",
          current, latest)};
    }
    for (const Migration& migration : migrations) {
      if (migration.version <= current) continue;
      Transaction transaction(db);
      db.exec(migration.sql);
      db.exec(fmt::format("PRAGMA user_version = {}", migration.version));
      transaction.commit();
    }
    return Ok{};
  } catch (const SqliteError& e) {
    return Error{fmt::format("cannot upgrade the database schema: {}", e.what())};
  }
}

}  // namespace oneall::store
