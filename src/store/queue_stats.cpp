// SqliteQueue::latency and SqliteQueue::report_aggregates: what the attempt log adds up to
// (attempt_stats.hpp). SQLite has no percentile function: the durations come grouped and in
// order (one row per distinct millisecond, so a few thousand rows however long the log) and
// LatencyRanks picks the ranks. Grouping the whole log sorts every row: the sorts spill to
// temporary files with a small cache (sqlite_spill.hpp), so memory does not grow with the log.
#include <fmt/format.h>

#include "store/report_queries.hpp"
#include "store/sqlite_queue.hpp"
#include "store/sqlite_spill.hpp"

namespace oneall::store {
namespace {

class SqliteStatsRow final : public StatsRow {
 public:
  explicit SqliteStatsRow(const Statement& statement) : statement_(statement) {}
  std::optional<std::int64_t> optional_integer(int column) const override {
    return statement_.column_optional_int(column);
  }
  std::string text(int column) const override { return statement_.column_text(column); }

 private:
  const Statement& statement_;
};

class SqliteStatsRows final : public StatsRows {
 public:
  explicit SqliteStatsRows(const Database& db) : db_(db) {}
  void each(const std::string& sql, const std::function<void(const StatsRow&)>& row) override {
    Statement select(db_, sql);
    const SqliteStatsRow current(select);
    while (select.step()) row(current);
  }

 private:
  const Database& db_;
};

LatencySummary read_latency(const Database& db, const AttemptScope& scope) {
  const std::string where =
      fmt::format("a.http_status IS NOT NULL AND {}", attempt_scope_sql(scope));
  Statement count(db, fmt::format("SELECT COUNT(*) FROM attempts AS a WHERE {}", where));
  count.step();
  LatencyRanks ranks(count.column_int(0));
  Statement durations(db, fmt::format("SELECT {0} AS d, COUNT(*) FROM attempts AS a WHERE {1} "
                                      "GROUP BY d ORDER BY d",
                                      kDurationSql, where));
  while (durations.step()) ranks.add(durations.column_int(0), durations.column_int(1));
  return ranks.summary();
}

}  // namespace

Result<LatencySummary> SqliteQueue::latency(const AttemptScope& scope) {
  try {
    TempFilesOnDisk temp_files(db_);  // before the transaction: put back after it ended
    SortInBoundedMemory sorting(db_);
    Transaction snapshot(db_, Transaction::Mode::kRead);  // the count and the ranks agree
    return read_latency(db_, scope);
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the request latency of {}", path_));
  }
}

Result<ReportAggregates> SqliteQueue::report_aggregates(std::optional<std::int64_t> batch) {
  try {
    TempFilesOnDisk temp_files(db_);
    SortInBoundedMemory sorting(db_);
    Transaction snapshot(db_, Transaction::Mode::kRead);
    SqliteStatsRows rows(db_);
    ReportAggregates report = read_report_aggregates(rows, batch, clock_.now_ms());
    report.latency = read_latency(db_, {std::nullopt, batch});
    return report;
  } catch (const SqliteError& e) {
    return store_error(e, fmt::format("read the report figures of {}", path_));
  }
}

}  // namespace oneall::store
