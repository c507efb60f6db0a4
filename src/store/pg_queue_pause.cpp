// PgQueue::pause, resume and paused_scopes: the paused_scopes table (pg schema 5) that every
// claim of every runner reads (docs/cli.md#pause-and-resume). A pause commits before the call
// returns, so the next claim of any run (read committed) sees it.
#include <fmt/format.h>

#include "store/paused_scopes_sql.hpp"
#include "store/pg_queue.hpp"

namespace oneall::store {

Result<bool> PgQueue::pause(std::optional<std::int64_t> batch, const std::string& by) {
  const PausedScope scope{batch, clock_.now_ms(), by};
  try {
    PgRows inserted = connection_.query(
        "INSERT INTO paused_scopes (scope, batch_id, paused_at, paused_by) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (scope) DO NOTHING",
        {scope.scope(), batch ? PgParam(*batch) : PgParam(std::nullopt), scope.paused_at, by});
    return inserted.affected() == 1;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("pause {} of {}", scope.scope(), shown_));
  }
}

Result<bool> PgQueue::resume(std::optional<std::int64_t> batch) {
  const std::string scope = PausedScope{batch}.scope();
  try {
    return connection_.query("DELETE FROM paused_scopes WHERE scope = $1", {scope}).affected() == 1;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("resume {} of {}", scope, shown_));
  }
}

Result<std::vector<PausedScope>> PgQueue::paused_scopes() {
  try {
    std::vector<PausedScope> scopes;
    PgRows rows = connection_.query(kSelectPausedScopes);
    for (int i = 0; i < rows.size(); ++i) {
      scopes.push_back({rows.optional_integer(i, 0), rows.integer(i, 1), rows.text(i, 2)});
    }
    return scopes;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the paused scopes of {}", shown_));
  }
}

}  // namespace oneall::store
