// The queries behind Queue::report_aggregates (attempt_stats.hpp), written once in the SQL that
// SQLite and PostgreSQL both take, over a small row reader each backend supplies. Every query
// aggregates in the database and returns a bounded number of rows, so a report of a queue with
// millions of attempts reads no more than a few hundred rows. Backend errors escape as the
// backend's exception (SqliteError, PgError); the backend turns them into an Error.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "store/attempt_stats.hpp"

namespace oneall::store {

// One result row, whatever the backend.
class StatsRow {
 public:
  virtual ~StatsRow() = default;
  virtual std::optional<std::int64_t> optional_integer(int column) const = 0;
  std::int64_t integer(int column) const { return optional_integer(column).value_or(0); }
  virtual std::string text(int column) const = 0;  // "" for NULL
};

class StatsRows {
 public:
  virtual ~StatsRows() = default;
  // Runs `sql` (no parameters: the scope's ids are written into it) and calls `row` for each.
  virtual void each(const std::string& sql, const std::function<void(const StatsRow&)>& row) = 0;
};

// The conditions an attempt row (alias `a`) must meet to be in `scope`, for a WHERE clause;
// "1 = 1" for the whole log. Ids are integers written into the SQL, never text.
std::string attempt_scope_sql(const AttemptScope& scope);

// An attempt's duration in ms, never negative (a clock that stepped back counts as 0).
inline constexpr std::string_view kDurationSql =
    "(CASE WHEN a.ended_at > a.started_at THEN a.ended_at - a.started_at ELSE 0 END)";

// Everything but `latency`, which each backend computes its own way (Queue::latency). The
// caller holds one read snapshot around it.
ReportAggregates read_report_aggregates(StatsRows& db, std::optional<std::int64_t> batch,
                                        EpochMs now);

}  // namespace oneall::store
