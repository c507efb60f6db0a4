// The real oneall-bulk binary started in the background, for tests that act on a run while it
// works (signals, a second run beside it, kill -9). Its stdout and stderr go to files in a
// folder of the test's, read while it runs; the destructor kills and reaps it if still alive.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace oneall::testing {

class ChildProcess {
 public:
  // Starts ONEALL_BINARY with `args`; `env` entries are added to (or replace in) the
  // environment. Output goes to `output_dir`/child-N.{out,err}, or stderr to `stderr_fd` when
  // given (a pseudo-terminal, say; err() is then empty).
  ChildProcess(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
               const std::string& output_dir, std::optional<int> stderr_fd = std::nullopt);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  std::string out() const;
  std::string err() const;

  // Polls stderr until it holds `text`; false after `limit` or when the child ended without it.
  bool wait_for_err(const std::string& text, std::chrono::milliseconds limit);
  void signal(int signo) const;
  // The exit code, -1 if killed by a signal, nullopt if still running after `limit`.
  std::optional<int> wait(std::chrono::milliseconds limit);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;  // raw waitpid status once reaped
  std::string out_path_;
  std::string err_path_;
};

}  // namespace oneall::testing
