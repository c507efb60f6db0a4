#include "store/report_queries.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace oneall::store {
namespace {

// A job's state as users see it: one in flight is running (its row still says pending).
constexpr const char* kJobStateSql =
    "CASE WHEN EXISTS (SELECT 1 FROM in_flight AS f WHERE f.job_id = j.id) THEN 'running' "
    "ELSE j.state END";

std::string batch_sql(std::optional<std::int64_t> batch, const char* column) {
  return batch ? fmt::format("{} = {}", column, *batch) : std::string("1 = 1");
}

void add_state(StateCounts& counts, const std::string& state, std::int64_t n) {
  if (auto parsed = parse_state(state)) counts[*parsed] += n;
}

void read_job_counts(StatsRows& db, ReportAggregates& report) {
  report.by_state = zero_state_counts();
  db.each(fmt::format("SELECT j.target, {} AS s, COUNT(*) FROM jobs AS j WHERE {} "
                      "GROUP BY j.target, s ORDER BY j.target",
                      kJobStateSql, batch_sql(report.batch_id, "j.batch_id")),
          [&](const StatsRow& row) {
            const std::string target = row.text(0);
            if (report.targets.empty() || report.targets.back().target != target) {
              report.targets.push_back({target, zero_state_counts()});
            }
            add_state(report.targets.back().by_state, row.text(1), row.integer(2));
            add_state(report.by_state, row.text(1), row.integer(2));
          });
  const std::string listed =
      fmt::format("SELECT id FROM batches WHERE {} ORDER BY id DESC LIMIT {}",
                  batch_sql(report.batch_id, "id"), kMaxReportBatches);
  db.each(fmt::format("SELECT b.id, b.description, b.created_at, {} AS s, COUNT(j.id) "
                      "FROM batches AS b LEFT JOIN jobs AS j ON j.batch_id = b.id "
                      "WHERE b.id IN ({}) GROUP BY b.id, b.description, b.created_at, s "
                      "ORDER BY b.id",
                      kJobStateSql, listed),
          [&](const StatsRow& row) {
            const std::int64_t id = row.integer(0);
            if (report.batches.empty() || report.batches.back().batch_id != id) {
              report.batches.push_back({id, row.text(1), row.integer(2), zero_state_counts()});
            }
            // A batch without jobs (all pruned) joins one row of NULLs: counted as nothing.
            if (row.integer(4) > 0)
              add_state(report.batches.back().by_state, row.text(3), row.integer(4));
          });
  db.each(fmt::format("SELECT COUNT(*) FROM batches WHERE {}", batch_sql(report.batch_id, "id")),
          [&](const StatsRow& row) {
            report.batches_left_out =
                row.integer(0) - static_cast<std::int64_t>(report.batches.size());
          });
}

void read_rate(StatsRows& db, const std::string& scope, ReportAggregates& report) {
  std::optional<EpochMs> first;
  EpochMs last = 0;
  db.each(fmt::format("SELECT COUNT(*), SUM(CASE WHEN a.requests_sent > 0 THEN 1 ELSE 0 END), "
                      "MIN(CASE WHEN a.requests_sent > 0 THEN a.started_at END), "
                      "MAX(CASE WHEN a.requests_sent > 0 THEN a.started_at END) "
                      "FROM attempts AS a WHERE {}",
                      scope),
          [&](const StatsRow& row) {
            report.attempts = row.integer(0);
            report.requests = row.integer(1);
            first = row.optional_integer(2);
            last = row.integer(3);
          });
  if (!first) return;
  report.bucket_ms = time_bucket_ms(std::max<EpochMs>(0, last - *first));
  // Times are after the epoch, so integer division rounds down.
  report.first_at = *first / report.bucket_ms * report.bucket_ms;
  db.each(fmt::format("SELECT (a.started_at - {0}) / {1} AS b, a.outcome, COUNT(*), "
                      "SUM(CASE WHEN a.http_status = 429 THEN 1 ELSE 0 END) "
                      "FROM attempts AS a WHERE a.requests_sent > 0 AND {2} "
                      "GROUP BY b, a.outcome ORDER BY b",
                      report.first_at, report.bucket_ms, scope),
          [&](const StatsRow& row) {
            const EpochMs start = report.first_at + row.integer(0) * report.bucket_ms;
            if (report.rate.empty() || report.rate.back().start != start) {
              report.rate.push_back({start, {}, 0});
            }
            RateBucket& bucket = report.rate.back();
            const auto outcome =
                std::find(kAttemptOutcomes.begin(), kAttemptOutcomes.end(), row.text(1));
            if (outcome != kAttemptOutcomes.end()) {
              bucket.by_outcome[static_cast<std::size_t>(outcome - kAttemptOutcomes.begin())] +=
                  row.integer(2);
            }
            bucket.throttled += row.integer(3);
          });
}

void read_latency_histogram(StatsRows& db, const std::string& scope, ReportAggregates& report) {
  db.each(fmt::format("SELECT {} AS h, COUNT(*) FROM attempts AS a "
                      "WHERE a.http_status IS NOT NULL AND {} GROUP BY h",
                      latency_bucket_sql(kDurationSql), scope),
          [&](const StatsRow& row) {
            const auto bucket = static_cast<std::size_t>(row.integer(0));
            if (bucket < report.latency_histogram.size())
              report.latency_histogram[bucket] = row.integer(1);
          });
}

void read_breaker_stops(StatsRows& db, const std::string& scope, ReportAggregates& report) {
  // The newest ones, as many as a chart can mark; a run's summary names its stop's cause.
  db.each(fmt::format("SELECT r.id, r.ended_at FROM runs AS r WHERE r.ended_at IS NOT NULL AND "
                      "r.summary_json LIKE '%\"stop_cause\":\"circuit_breaker\"%' AND EXISTS "
                      "(SELECT 1 FROM attempts AS a WHERE a.run_id = r.id AND {}) "
                      "ORDER BY r.id DESC LIMIT {}",
                      scope, kMaxTimeBuckets),
          [&](const StatsRow& row) {
            report.breaker_stops.push_back({row.integer(0), row.integer(1)});
          });
  std::reverse(report.breaker_stops.begin(), report.breaker_stops.end());
}

void read_errors(StatsRows& db, const std::string& scope, ReportAggregates& report) {
  // An attempt without an HTTP answer has no API message: its note (timeout, ...) says why.
  const std::string groups = fmt::format(
      "SELECT a.http_status AS status, "
      "CASE WHEN a.http_status IS NULL THEN a.note ELSE a.api_info END AS message, "
      "COUNT(*) AS n, MIN(a.job_id) AS example FROM attempts AS a "
      "WHERE a.outcome <> 'succeeded' AND {} GROUP BY status, message",
      scope);
  db.each(fmt::format("SELECT status, message, n, example FROM ({}) AS g "
                      "ORDER BY n DESC, COALESCE(status, 0), message LIMIT {}",
                      groups, kMaxErrorGroups),
          [&](const StatsRow& row) {
            ErrorGroup group;
            if (auto status = row.optional_integer(0))
              group.http_status = static_cast<int>(*status);
            group.message = row.text(1);
            group.count = row.integer(2);
            group.example_job_id = row.integer(3);
            report.errors.push_back(std::move(group));
          });
  db.each(fmt::format("SELECT COUNT(*), SUM(n) FROM ({}) AS g", groups), [&](const StatsRow& row) {
    report.error_groups_total = row.integer(0);
    report.errors_total = row.integer(1);
  });
}

}  // namespace

std::string attempt_scope_sql(const AttemptScope& scope) {
  std::string sql = "1 = 1";
  if (scope.run_id) sql += fmt::format(" AND a.run_id = {}", *scope.run_id);
  if (scope.batch_id) {
    sql +=
        fmt::format(" AND a.job_id IN (SELECT id FROM jobs WHERE batch_id = {})", *scope.batch_id);
  }
  return sql;
}

ReportAggregates read_report_aggregates(StatsRows& db, std::optional<std::int64_t> batch,
                                        EpochMs now) {
  ReportAggregates report;
  report.batch_id = batch;
  report.generated_at = now;
  const std::string scope = attempt_scope_sql({std::nullopt, batch});
  read_job_counts(db, report);
  read_rate(db, scope, report);
  read_latency_histogram(db, scope, report);
  read_breaker_stops(db, scope, report);
  read_errors(db, scope, report);
  return report;
}

}  // namespace oneall::store
