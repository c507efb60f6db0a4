// The progress line of `run` on a terminal (docs/cli.md#run): one line on stderr, redrawn in place
// ("\r" + the line + clear-to-end) at most four times a second from the runner's progress
// sink, and cleared at the end so the final summary takes its place. `run` creates one only
// when stderr is a TTY and --quiet is not given. render_progress() is the pure part.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "engine/run_options.hpp"
#include "util/clock.hpp"

namespace oneall::cli {

// "412/2000 jobs (20%)  38.5 req/s  7 retries  2 errors  ETA 41s": done = jobs this run
// finished (succeeded, failed or dead) out of `total` (jobs in scope at the start), errors =
// failed + dead, ETA from the rate jobs were finished at so far ("ETA --" before the first).
std::string render_progress(const engine::RunSummary& so_far, std::int64_t total);

// "41s", "6m05s", "2h03m": short, for the progress line and the summary.
std::string format_duration_short(std::int64_t ms);

// The width of the terminal `fd` is, 0 if it cannot be told; nullopt when `fd` is not a
// terminal (then there is no progress line).
std::optional<int> terminal_width(int fd);

class ProgressLine {
 public:
  static constexpr std::int64_t kMinRedrawMs = 250;

  // `columns`: the terminal's width (0 if unknown); the line is cut to fit so that "\r" keeps
  // working (a wrapped line cannot be redrawn in place).
  ProgressLine(std::ostream& out, const Clock& clock, std::int64_t total, int columns);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Redraws unless the last redraw was less than kMinRedrawMs ago.
  void update(const engine::RunSummary& so_far);
  // Clears the line if one was drawn (idempotent); later output starts on a clean line.
  void finish();

 private:
  std::ostream& out_;
  const Clock& clock_;
  std::int64_t total_;
  int columns_;
  bool drawn_ = false;
  EpochMs last_draw_ = 0;
};

}  // namespace oneall::cli
