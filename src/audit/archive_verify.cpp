#include "audit/archive_verify.hpp"

#include <fmt/format.h>

#include "audit/gzip_lines.hpp"
#include "store/attempt_chain.hpp"

namespace oneall::audit {
namespace {

// Checks each line as it comes; the first problem stops the walk.
class ArchiveCheck {
 public:
  explicit ArchiveCheck(ArchiveReport& report) : report_(report) {}

  // False once a problem is found.
  bool take(std::int64_t line_number, const ArchiveLine& line) {
    where_ = line_number;
    if (report_.end) return fail("there is a line after the end line");
    if (line_number == 1 && !std::holds_alternative<ArchiveHeader>(line)) {
      return fail("the first line is not an archive header");
    }
    if (const auto* row = std::get_if<store::ChainedAttempt>(&line)) return take_row(*row);
    if (std::holds_alternative<JobLine>(line)) ++report_.jobs;
    if (std::holds_alternative<BatchLine>(line)) ++report_.batches;
    if (const auto* end = std::get_if<ArchiveEnd>(&line)) return take_end(*end);
    return true;
  }

  bool fail(std::string_view what) {
    report_.problem = fmt::format("line {}: {}", where_, what);
    return false;
  }

 private:
  bool take_row(const store::ChainedAttempt& row) {
    if (store::chain_hash(row.values, *row.prev_hash) != *row.row_hash) {
      return fail(
          fmt::format("attempt row {} (job {}) was edited: its content no longer "
                      "matches its hash",
                      row.id, row.job_id));
    }
    if (first_prev_ && *row.prev_hash != head_) {
      return fail(
          fmt::format("attempt row {} does not link to the row before it (row {}): rows "
                      "were deleted, reordered or rewritten",
                      row.id, last_id_));
    }
    if (!first_prev_) first_prev_ = *row.prev_hash;
    head_ = *row.row_hash;
    last_id_ = row.id;
    ++report_.rows_checked;
    return true;
  }

  bool take_end(const ArchiveEnd& end) {
    report_.end = end;
    if (first_prev_ && *first_prev_ != end.start_hash) {
      return fail(
          "the first attempt row does not link to where the end line says the rows "
          "chain from");
    }
    const std::string& last = report_.rows_checked > 0 ? head_ : end.start_hash;
    if (last != end.end_hash || (report_.rows_checked > 0 && last_id_ != end.last_attempt_id)) {
      return fail(
          "the last attempt row is not the one the end line names: rows were cut from "
          "the end");
    }
    if (end.attempts != report_.rows_checked || end.jobs != report_.jobs ||
        end.batches != report_.batches) {
      return fail(
          fmt::format("the end line counts {} attempt row(s), {} job(s), {} batch(es); "
                      "the file holds {}, {}, {}",
                      end.attempts, end.jobs, end.batches, report_.rows_checked, report_.jobs,
                      report_.batches));
    }
    return true;
  }

  ArchiveReport& report_;
  std::int64_t where_ = 0;
  std::optional<std::string> first_prev_;
  std::string head_;
  std::int64_t last_id_ = 0;
};

}  // namespace

Result<ArchiveReport> read_archive(const std::string& path) {
  auto reader = GzipLineReader::open(path);
  if (!reader) return reader.error();
  ArchiveReport report;
  ArchiveCheck check(report);
  for (std::int64_t number = 1;; ++number) {
    auto line = reader->next_line();
    if (!line) {
      check.fail(line.error().message);
      return report;
    }
    if (!*line) break;
    auto parsed = parse_archive_line(**line);
    if (!parsed) {
      check.fail(parsed.error().message);
      return report;
    }
    if (!check.take(number, *parsed)) return report;
  }
  if (!report.end) {
    report.problem = "the file ends before its end line: it was cut short";
  }
  return report;
}

void match_checkpoint(ArchiveReport& report,
                      const std::vector<store::ChainCheckpoint>& checkpoints) {
  if (!report.intact() || !report.end) return;
  const ArchiveEnd& end = *report.end;
  for (const store::ChainCheckpoint& checkpoint : checkpoints) {
    if (checkpoint.start_hash == end.start_hash &&
        checkpoint.after_attempt_id == end.after_attempt_id &&
        checkpoint.last_attempt_id == end.last_attempt_id && checkpoint.end_hash == end.end_hash &&
        checkpoint.attempts == end.attempts && checkpoint.jobs == end.jobs) {
      report.checkpoint = checkpoint;
      return;
    }
  }
  report.problem = fmt::format(
      "the queue records no prune of these rows (attempt rows {}..{}, ending in {}): the archive "
      "is of another queue, or of a prune that was stopped before it deleted anything (its rows "
      "are then still in the queue)",
      end.after_attempt_id + 1, end.last_attempt_id, end.end_hash);
}

}  // namespace oneall::audit
