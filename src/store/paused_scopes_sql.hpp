// The SQL both backends share for paused scopes (schema 12 / pg 5, docs/cli.md#pause-and-resume):
// the test every claim and every "is work left" question adds, and the statements of `pause`
// and `resume`. Internal to src/store/; the text is the same on SQLite and PostgreSQL.
#pragma once

#include <string>
#include <string_view>

namespace oneall::store {

// True for a job whose batch is the column `batch_id` (such as "j.batch_id") when neither the
// queue nor that batch is paused. The table holds a handful of rows at most.
inline std::string not_paused_sql(std::string_view batch_id) {
  return "NOT EXISTS (SELECT 1 FROM paused_scopes AS p WHERE p.batch_id IS NULL OR p.batch_id = " +
         std::string(batch_id) + ")";
}

// The paused scopes, the queue first, then batches by id: batch_id, paused_at, paused_by.
inline constexpr const char* kSelectPausedScopes =
    "SELECT batch_id, paused_at, paused_by FROM paused_scopes "
    "ORDER BY batch_id IS NOT NULL, batch_id";

}  // namespace oneall::store
