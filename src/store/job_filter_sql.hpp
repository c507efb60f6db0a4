// A JobFilter as SQL, written once for both backends (queue_jobs.cpp, pg_queue_jobs.cpp): the
// WHERE condition on `jobs` and the values to bind to its parameters, in order. Only the fields
// a filter gives are written, and every value the user gave is bound, never spliced into the
// text. Internal to src/store/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/records.hpp"

namespace oneall::store {

// How a backend writes its parameters: SQLite `?N`, PostgreSQL `$N` with the value's type
// (libpq sends text, and `$N IS NULL`-free conditions still need to compare as numbers).
enum class ParamStyle { kSqlite, kPostgres };

using SqlValue = std::variant<std::int64_t, std::string>;

struct FilterSql {
  std::string where;             // a condition on `jobs`; "1 = 1" when nothing is filtered
  std::vector<SqlValue> values;  // for the parameters numbered first_param, first_param + 1, ...
};

// `in_flight` is the backend's SQL test that `jobs.id` is held by a run (a running job keeps
// 'pending' in its row since schema 6): the states are the ones users see.
FilterSql job_filter_sql(const JobFilter& filter, std::string_view in_flight, ParamStyle style,
                         int first_param);

}  // namespace oneall::store
