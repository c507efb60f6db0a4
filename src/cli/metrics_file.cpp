#include "cli/metrics_file.hpp"

#include <sstream>

#include "cli/output_file.hpp"

namespace oneall::cli {

RunMetricsFile::RunMetricsFile(std::string path, const Clock& clock, EpochMs started_at)
    : path_(std::move(path)), clock_(clock) {
  run_.started_at = started_at;
}

Status RunMetricsFile::write() {
  written_at_ = clock_.now_ms();
  std::ostringstream unused;  // no fallback: the path is never empty
  auto file = OutputFile::open(path_, ExistingFile::kReplace, unused, FileAccess::kReadableByAll);
  if (!file) return Error{"cannot write the metrics file: " + file.error().message};
  (*file)->stream() << run_metrics_text(run_);
  if (Status committed = (*file)->commit(); !committed) {
    return Error{"cannot write the metrics file: " + committed.error().message};
  }
  return Ok{};
}

void RunMetricsFile::update(const engine::RunSummary& so_far) {
  run_.so_far = so_far;
  if (clock_.now_ms() - written_at_ >= kEveryMs) (void)write();
}

Status RunMetricsFile::finish(int exit_code, EpochMs ended_at) {
  run_.so_far.duration_ms = ended_at - run_.started_at;
  run_.so_far.in_flight = 0;
  run_.ended_at = ended_at;
  run_.exit_code = exit_code;
  return write();
}

}  // namespace oneall::cli
