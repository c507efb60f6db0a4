#include "audit/chain_verify.hpp"

#include <fmt/format.h>

#include "store/attempt_chain.hpp"

namespace oneall::audit {
namespace {

// Where the row whose hash is `hash` sits, if anywhere. Only asked once, at a break, so a full
// scan (there is no index on row_hash) is fine.
std::optional<std::int64_t> row_with_hash(store::Database& db, const std::string& hash) {
  store::Statement find(db, "SELECT id FROM attempts WHERE row_hash = ?1 ORDER BY id LIMIT 1");
  find.bind(1, hash);
  if (!find.step()) return std::nullopt;
  return find.column_int(0);
}

ChainBreak link_break(store::Database& db, std::int64_t id, std::int64_t job_id,
                      const std::string& prev_hash, std::int64_t last_id) {
  if (auto linked = row_with_hash(db, prev_hash)) {
    return {id, job_id, ChainProblem::kReordered,
            fmt::format("it was written after row {}, which now sits {} it", *linked,
                        *linked > id ? "after" : "further before")};
  }
  if (last_id == 0) {
    return {id, job_id, ChainProblem::kMissing,
            "it was not the first row written, but the rows before it are gone (deleted)"};
  }
  if (id > last_id + 1) {
    return {id, job_id, ChainProblem::kMissing,
            fmt::format("rows {}..{} before it are gone (deleted); it was chained to one of them",
                        last_id + 1, id - 1)};
  }
  return {id, job_id, ChainProblem::kRelinked,
          fmt::format("the row it was chained to is not in the log: row {} before it was "
                      "rewritten with a fresh hash, or replaced",
                      last_id)};
}

}  // namespace

std::string_view problem_name(ChainProblem problem) {
  switch (problem) {
    case ChainProblem::kEdited:
      return "edited";
    case ChainProblem::kMissing:
      return "missing";
    case ChainProblem::kReordered:
      return "reordered";
    case ChainProblem::kRelinked:
      return "relinked";
    case ChainProblem::kUnhashed:
      return "unhashed";
  }
  return "unknown";
}

Result<ChainReport> verify_chain(store::Database& db) {
  try {
    ChainReport report;
    report.head = std::string(store::kChainGenesis);
    std::int64_t last_id = 0;
    store::Statement rows(db, fmt::format("SELECT id, job_id, prev_hash, row_hash, {} FROM "
                                          "attempts ORDER BY id",
                                          store::chain_select_list()));
    while (rows.step()) {
      const std::int64_t id = rows.column_int(0);
      const std::int64_t job_id = rows.column_int(1);
      if (rows.is_null(2) || rows.is_null(3)) {
        report.broken = ChainBreak{id, job_id, ChainProblem::kUnhashed,
                                   "it has no hash: it was written around oneall-bulk"};
        return report;
      }
      const std::string prev_hash = rows.column_text(2);
      const std::string row_hash = rows.column_text(3);
      if (store::chain_hash(store::read_chain_values(rows, 4), prev_hash) != row_hash) {
        report.broken = ChainBreak{id, job_id, ChainProblem::kEdited,
                                   "its content no longer matches its hash: a column was changed "
                                   "after it was written"};
        return report;
      }
      if (prev_hash != report.head) {
        report.broken = link_break(db, id, job_id, prev_hash, last_id);
        return report;
      }
      report.head = row_hash;
      last_id = id;
      ++report.rows_checked;
    }
    return report;
  } catch (const store::SqliteError& e) {
    return store::store_error(e, "read the attempt log");
  }
}

}  // namespace oneall::audit
