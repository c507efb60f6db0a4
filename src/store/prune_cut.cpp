#include "store/prune_cut.hpp"

#include <algorithm>

namespace oneall::store {

bool PruneCut::add(std::int64_t id, bool job_prunable, std::int64_t job_last_row_id) {
  if (!job_prunable || id >= log_last_id_) return false;
  reach_ = std::max(reach_, job_last_row_id);
  // Every job met so far ends here or before: cutting after this row splits none of them.
  if (reach_ <= id) last_id_ = id;
  return true;
}

std::string ended_job_sql(std::string_view j, std::string_view before) {
  const std::string job(j);
  return "(" + job + ".state IN ('succeeded', 'failed', 'dead', 'cancelled') AND " + job +
         ".updated_at < " + std::string(before) +
         " AND NOT EXISTS (SELECT 1 FROM in_flight AS f WHERE f.job_id = " + job + ".id))";
}

std::string prunable_job_sql(std::string_view j, std::string_view before, std::string_view last) {
  const std::string job(j);
  return "(" + ended_job_sql(j, before) +
         " AND NOT EXISTS (SELECT 1 FROM attempts AS k WHERE k.job_id = " + job +
         ".id AND k.id > " + std::string(last) + "))";
}

}  // namespace oneall::store
