#include "audit/archive_writer.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "store/attempt_chain.hpp"

namespace oneall::audit {

ArchiveWriter::ArchiveWriter(std::string path, std::string partial, GzipLineWriter writer)
    : path_(std::move(path)), partial_(std::move(partial)), writer_(std::move(writer)) {}

Result<std::unique_ptr<ArchiveWriter>> ArchiveWriter::create(const std::string& path,
                                                             const ArchiveHeader& header) {
  const std::string partial = path + ".partial";
  auto writer = GzipLineWriter::create(partial);
  if (!writer) return writer.error();
  auto archive = std::make_unique<ArchiveWriter>(path, partial, std::move(writer).value());
  if (auto written = archive->writer_.write_line(header_line(header)); !written) {
    return written.error();
  }
  return archive;
}

Status ArchiveWriter::add(const store::SettingRecord&) {
  return Error{"a prune archive holds no settings"};
}
Status ArchiveWriter::add(const store::RunRecord&) {
  return Error{"a prune archive holds no runs"};
}
Status ArchiveWriter::add(const store::ChainCheckpoint&) {
  return Error{"a prune archive holds no chain checkpoints"};
}
Status ArchiveWriter::add(const store::InFlightRecord&) {
  return Error{"a prune archive holds no jobs in flight"};
}
Status ArchiveWriter::add(const store::PausedScope&) {
  return Error{"a prune archive holds no paused scopes"};
}
Status ArchiveWriter::add(const store::BatchRecord& row) {
  return writer_.write_line(batch_line(row));
}
Status ArchiveWriter::add(const store::JobRecord& row) { return writer_.write_line(job_line(row)); }

Status ArchiveWriter::add(const store::ChainedAttempt& row) {
  const auto refuse = [&](std::string_view why) -> Status {
    broken_ = fmt::format(
        "the attempt log is broken at row {} (job {}): {}. Nothing was pruned: `audit verify` "
        "shows the break; a log that does not verify is not moved into an archive",
        row.id, row.job_id, why);
    return Error{*broken_};
  };
  if (!row.prev_hash || !row.row_hash) return refuse("it has no hash");
  if (store::chain_hash(row.values, *row.prev_hash) != *row.row_hash) {
    return refuse("its content no longer matches its hash");
  }
  if (first_prev_ && *row.prev_hash != head_) return refuse("it does not link to the row before");
  if (!first_prev_) first_prev_ = *row.prev_hash;
  head_ = *row.row_hash;
  return writer_.write_line(attempt_line(row));
}

Status ArchiveWriter::finish(const store::PrunePlan& plan) {
  if (first_prev_ && *first_prev_ != plan.start_hash) {
    broken_ = fmt::format(
        "the attempt log is broken at row {}: it does not link to the last chain checkpoint. "
        "Nothing was pruned: `audit verify` shows the break",
        plan.after_attempt_id + 1);
    return Error{*broken_};
  }
  ArchiveEnd end{plan.start_hash, plan.after_attempt_id, plan.last_attempt_id,
                 plan.end_hash,   plan.batches,          plan.jobs,
                 plan.attempts};
  if (auto written = writer_.write_line(end_line(end)); !written) return written;
  if (auto closed = writer_.close(); !closed) return closed;
  if (std::rename(partial_.c_str(), path_.c_str()) != 0) {
    return Error{fmt::format("cannot name the archive {}: {}", path_, std::strerror(errno))};
  }
  return sync_folder_of(path_);
}

}  // namespace oneall::audit
