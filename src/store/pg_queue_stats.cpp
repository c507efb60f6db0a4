// PgQueue::latency and PgQueue::report_aggregates: what the attempt log adds up to
// (attempt_stats.hpp). The percentiles are PostgreSQL's percentile_disc, which is the nearest
// rank (attempt_stats.hpp says how); the report's other figures are report_queries.cpp's.
#include <fmt/format.h>

#include "store/pg_queue.hpp"
#include "store/report_queries.hpp"

namespace oneall::store {
namespace {

class PgStatsRow final : public StatsRow {
 public:
  PgStatsRow(const PgRows& rows, int row) : rows_(rows), row_(row) {}
  std::optional<std::int64_t> optional_integer(int column) const override {
    return rows_.optional_integer(row_, column);
  }
  std::string text(int column) const override { return rows_.text(row_, column); }

 private:
  const PgRows& rows_;
  int row_;
};

// Each query returns a bounded number of rows (report_queries.hpp), so they are read whole.
class PgStatsRows final : public StatsRows {
 public:
  explicit PgStatsRows(PgConnection& connection) : connection_(connection) {}
  void each(const std::string& sql, const std::function<void(const StatsRow&)>& row) override {
    const PgRows rows = connection_.query(sql);
    for (int i = 0; i < rows.size(); ++i) row(PgStatsRow(rows, i));
  }

 private:
  PgConnection& connection_;
};

LatencySummary read_latency(PgConnection& connection, const AttemptScope& scope) {
  // The quantiles as float8, the same doubles nearest_rank multiplies by.
  std::string quantiles;
  for (double q : kLatencyQuantiles) {
    quantiles += fmt::format(", percentile_disc({}::float8) WITHIN GROUP (ORDER BY d)", q);
  }
  const PgRows rows = connection.query(
      fmt::format("SELECT COUNT(*), COALESCE(SUM(d), 0){} FROM (SELECT {} AS d FROM attempts AS "
                  "a WHERE a.http_status IS NOT NULL AND {}) AS s",
                  quantiles, kDurationSql, attempt_scope_sql(scope)));
  LatencySummary summary;
  summary.count = rows.integer(0, 0);
  summary.sum_ms = rows.integer(0, 1);
  summary.p50_ms = rows.optional_integer(0, 2);
  summary.p90_ms = rows.optional_integer(0, 3);
  summary.p99_ms = rows.optional_integer(0, 4);
  return summary;
}

}  // namespace

Result<LatencySummary> PgQueue::latency(const AttemptScope& scope) {
  try {
    return read_latency(connection_, scope);  // one statement: one snapshot
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the request latency of {}", shown_));
  }
}

Result<ReportAggregates> PgQueue::report_aggregates(std::optional<std::int64_t> batch) {
  try {
    PgTransaction snapshot(connection_);
    connection_.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    PgStatsRows rows(connection_);
    ReportAggregates report = read_report_aggregates(rows, batch, clock_.now_ms());
    report.latency = read_latency(connection_, {std::nullopt, batch});
    snapshot.commit();
    return report;
  } catch (const PgError& e) {
    return pg_store_error(e, fmt::format("read the report figures of {}", shown_));
  }
}

}  // namespace oneall::store
