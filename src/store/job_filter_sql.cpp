#include "store/job_filter_sql.hpp"

#include <fmt/format.h>

namespace oneall::store {
namespace {

class Writer {
 public:
  Writer(ParamStyle style, int first_param) : style_(style), next_(first_param) {}

  // A placeholder bound to `value`.
  std::string param(std::int64_t value) {
    values_.emplace_back(std::in_place_type<std::int64_t>, value);
    return placeholder("BIGINT");
  }
  std::string param(std::string_view value) {
    values_.emplace_back(std::in_place_type<std::string>, value);
    return placeholder("TEXT");
  }

  void require(std::string condition) { conditions_.push_back(std::move(condition)); }

  FilterSql done() && {
    FilterSql sql;
    sql.values = std::move(values_);
    if (conditions_.empty()) {
      sql.where = "1 = 1";
      return sql;
    }
    for (const std::string& condition : conditions_) {
      if (!sql.where.empty()) sql.where += " AND ";
      sql.where += condition;
    }
    return sql;
  }

 private:
  std::string placeholder(std::string_view pg_type) {
    const int index = next_++;
    if (style_ == ParamStyle::kSqlite) return fmt::format("?{}", index);
    return fmt::format("${}::{}", index, pg_type);
  }

  ParamStyle style_;
  int next_;
  std::vector<SqlValue> values_;
  std::vector<std::string> conditions_;
};

// The states as users see them, written on the stored state where they are the same (an ended
// job is never in flight), so that the state index serves them.
std::string states_sql(Writer& writer, const std::vector<JobState>& states,
                       std::string_view in_flight) {
  std::string ended;  // placeholders of the ended states asked for
  std::vector<std::string> any_of;
  for (JobState state : states) {
    if (state == JobState::kPending) {
      any_of.push_back(fmt::format("(jobs.state = 'pending' AND NOT {})", in_flight));
    } else if (state == JobState::kRunning) {
      any_of.push_back(fmt::format("(jobs.state = 'pending' AND {})", in_flight));
    } else {
      if (!ended.empty()) ended += ", ";
      ended += writer.param(state_name(state));
    }
  }
  if (!ended.empty()) any_of.push_back(fmt::format("jobs.state IN ({})", ended));
  std::string sql;
  for (const std::string& one : any_of) {
    sql += sql.empty() ? "(" : " OR ";
    sql += one;
  }
  sql += ")";
  // Only ended states: said in so many words, so that SQLite's index of ended jobs (partial on
  // this term, schema/013_ready_and_waiting.sql) serves the filter.
  if (any_of.size() == 1 && !ended.empty()) sql += " AND jobs.state <> 'pending'";
  return sql;
}

}  // namespace

FilterSql job_filter_sql(const JobFilter& filter, std::string_view in_flight, ParamStyle style,
                         int first_param) {
  Writer writer(style, first_param);
  if (filter.batch_id) writer.require("jobs.batch_id = " + writer.param(*filter.batch_id));
  if (filter.job_id) writer.require("jobs.id = " + writer.param(*filter.job_id));
  if (!filter.states.empty()) writer.require(states_sql(writer, filter.states, in_flight));
  if (filter.http_status) {
    const std::string first = writer.param(std::int64_t{filter.http_status->first});
    const std::string last = writer.param(std::int64_t{filter.http_status->last});
    writer.require(fmt::format("jobs.last_http_status BETWEEN {} AND {}", first, last));
  }
  if (filter.target) {
    writer.require("jobs.target = " + writer.param(api::target_name(*filter.target)));
  }
  if (filter.identity) writer.require("jobs.identity = " + writer.param(*filter.identity));
  return std::move(writer).done();
}

}  // namespace oneall::store
