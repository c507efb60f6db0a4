// SqliteQueue::pause, resume and paused_scopes: the paused_scopes table (schema 12) that every
// claim reads (docs/cli.md#pause-and-resume). Rarely run, so prepared per call.
#include <fmt/format.h>

#include "store/paused_scopes_sql.hpp"
#include "store/sqlite_queue.hpp"

namespace oneall::store {

Result<bool> SqliteQueue::pause(std::optional<std::int64_t> batch, const std::string& by) {
  const PausedScope scope{batch, clock_.now_ms(), by};
  try {
    Statement insert(db_,
                     "INSERT INTO paused_scopes (scope, batch_id, paused_at, paused_by) "
                     "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (scope) DO NOTHING");
    insert.bind(1, scope.scope()).bind(2, batch).bind(3, scope.paused_at).bind(4, by).run();
    return db_.changes() == 1;
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("pause {} of {}", scope.scope(), path_));
  }
}

Result<bool> SqliteQueue::resume(std::optional<std::int64_t> batch) {
  const std::string scope = PausedScope{batch}.scope();
  try {
    Statement remove(db_, "DELETE FROM paused_scopes WHERE scope = ?1");
    remove.bind(1, scope).run();
    return db_.changes() == 1;
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("resume {} of {}", scope, path_));
  }
}

Result<std::vector<PausedScope>> SqliteQueue::paused_scopes() {
  try {
    std::vector<PausedScope> scopes;
    Statement select(db_, kSelectPausedScopes);
    while (select.step()) {
      scopes.push_back(
          {select.column_optional_int(0), select.column_int(1), select.column_text(2)});
    }
    return scopes;
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the paused scopes of {}", path_));
  }
}

}  // namespace oneall::store
