// `run --metrics-file PATH` (docs/cli.md#metrics): the run's metrics (run_metrics.hpp) kept in
// PATH for node_exporter's textfile collector. Each write is whole: a new file in PATH's folder
// (a dot name the collector skips), synced, then renamed over PATH, so a scrape never reads half
// a file. Written when the run starts, every kEveryMs while it goes (from the runner's progress
// sink, on its thread), and when it ends, whatever the ending. Readable by all (0644): it holds
// counts only, and the collector runs as another user.
#pragma once

#include <string>

#include "cli/run_metrics.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace oneall::cli {

class RunMetricsFile {
 public:
  static constexpr EpochMs kEveryMs = 5'000;

  RunMetricsFile(std::string path, const Clock& clock, EpochMs started_at);

  // Writes what it has now. The run's first write: a path that cannot be written is found out
  // before anything is sent.
  Status write();
  // Keeps a progress snapshot, and writes it if kEveryMs have passed since the last write. A
  // write that fails is tried again at the next; the one finish() makes is reported.
  void update(const engine::RunSummary& so_far);
  // The run is over: the last snapshot (the run's final counts, or the last it gave before an
  // error), with its end and exit status.
  Status finish(int exit_code, EpochMs ended_at);

 private:
  std::string path_;
  const Clock& clock_;
  RunMetrics run_;
  EpochMs written_at_ = 0;
};

}  // namespace oneall::cli
