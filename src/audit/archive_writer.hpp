// Writes a prune archive (archive_format.hpp) as Queue::prune_rows_to hands over the rows, and
// checks the attempt rows' chain on the way: a log already broken is not pruned (its rows would
// leave the queue for an archive that does not verify). The file is written beside its name
// (NAME.partial) and takes its name only once it is complete and synced, folder included, so a
// prune killed at any point leaves either no archive or a whole one.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "audit/archive_format.hpp"
#include "audit/gzip_lines.hpp"
#include "store/queue.hpp"

namespace oneall::audit {

class ArchiveWriter final : public store::Queue::RowSink {
 public:
  static Result<std::unique_ptr<ArchiveWriter>> create(const std::string& path,
                                                       const ArchiveHeader& header);

  Status add(const store::SettingRecord& row) override;
  Status add(const store::BatchRecord& row) override;
  Status add(const store::RunRecord& row) override;
  Status add(const store::JobRecord& row) override;
  Status add(const store::ChainCheckpoint& row) override;
  Status add(const store::ChainedAttempt& row) override;
  Status add(const store::InFlightRecord& row) override;
  Status add(const store::PausedScope& row) override;

  // Whether the rows chain was intact (false: add() refused an attempt row; broken() says why).
  const std::optional<std::string>& broken() const { return broken_; }

  // Writes the end line for `plan`, syncs the file, gives it its name and syncs the folder.
  Status finish(const store::PrunePlan& plan);

  ArchiveWriter(std::string path, std::string partial, GzipLineWriter writer);  // create()

 private:
  std::string path_;
  std::string partial_;
  GzipLineWriter writer_;
  std::optional<std::string> first_prev_;
  std::string head_;
  std::optional<std::string> broken_;
};

}  // namespace oneall::audit
