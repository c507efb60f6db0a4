#include "cli/progress_line.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <ostream>

namespace oneall::cli {
namespace {

constexpr const char* kClearToEnd = "\x1b[K";

}  // namespace

std::optional<int> terminal_width(int fd) {
  if (isatty(fd) != 1) return std::nullopt;
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
  return static_cast<int>(size.ws_col);
}

std::string format_duration_short(std::int64_t ms) {
  const std::int64_t s = std::max<std::int64_t>(0, (ms + 500) / 1000);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string render_progress(const engine::RunSummary& so_far, std::int64_t total) {
  const std::int64_t done = so_far.succeeded + so_far.failed + so_far.dead;
  const std::int64_t errors = so_far.failed + so_far.dead;
  const double seconds = static_cast<double>(so_far.duration_ms) / 1000.0;
  const double rate = seconds > 0 ? static_cast<double>(so_far.requests) / seconds : 0.0;
  // Jobs may be imported while the run goes (they join its scope), so done can pass total.
  const std::int64_t percent = total > 0 ? std::min<std::int64_t>(100, done * 100 / total) : 100;
  const std::int64_t left = std::max<std::int64_t>(0, total - done);
  std::string eta = "--";
  if (left == 0) {
    eta = "0s";
  } else if (done > 0 && so_far.duration_ms > 0) {
    eta = format_duration_short(so_far.duration_ms * left / done);
  }
  return fmt::format(
      "{}/{} jobs ({}%)  {:.1f} req/s  {} retryable errors  {} failed or dead  ETA {}", done, total,
      percent, rate, so_far.retries, errors, eta);
}

ProgressLine::ProgressLine(std::ostream& out, const Clock& clock, std::int64_t total, int columns)
    : out_(out), clock_(clock), total_(total), columns_(columns) {}

ProgressLine::~ProgressLine() { finish(); }

void ProgressLine::update(const engine::RunSummary& so_far) {
  const EpochMs now = clock_.now_ms();
  if (drawn_ && now - last_draw_ < kMinRedrawMs) return;
  std::string line = render_progress(so_far, total_);
  if (columns_ > 1 && line.size() >= static_cast<std::size_t>(columns_)) {
    line.resize(static_cast<std::size_t>(columns_ - 1));
  }
  out_ << '\r' << line << kClearToEnd << std::flush;
  drawn_ = true;
  last_draw_ = now;
}

void ProgressLine::finish() {
  if (!drawn_) return;
  out_ << '\r' << kClearToEnd << std::flush;
  drawn_ = false;
}

}  // namespace oneall::cli
