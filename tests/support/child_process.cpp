#include "support/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/exec_args.hpp"

namespace oneall::testing {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env,
                           const std::string& output_dir, std::optional<int> stderr_fd) {
  static std::atomic<int> counter{0};  // distinct output files for children of one test
  const int n = ++counter;
  out_path_ = output_dir + "/child-" + std::to_string(n) + ".out";
  err_path_ = output_dir + "/child-" + std::to_string(n) + ".err";

  std::vector<std::string> argv_strings{ONEALL_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = environment_with(env);
  auto argv = exec_pointers(argv_strings);
  auto envp = exec_pointers(env_strings);
  // Opened before fork: between fork and exec only async-signal-safe calls.
  const int out_fd = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out_fd < 0 || err_fd < 0 || null_fd < 0) throw std::runtime_error("cannot open outputs");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(stderr_fd ? *stderr_fd : err_fd, STDERR_FILENO);
    dup2(null_fd, STDIN_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out_fd);
  close(err_fd);
  close(null_fd);
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

ChildProcess::~ChildProcess() {
  if (!status_) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string ChildProcess::out() const { return read_all(out_path_); }
std::string ChildProcess::err() const { return read_all(err_path_); }

void ChildProcess::signal(int signo) const {
  if (!status_) kill(pid_, signo);
}

bool ChildProcess::wait_for_err(const std::string& text, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (err().find(text) != std::string::npos) return true;
    if (wait(std::chrono::milliseconds(0))) return err().find(text) != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!status_) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      status_ = status;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return WIFEXITED(*status_) ? WEXITSTATUS(*status_) : -1;
}

}  // namespace oneall::testing
