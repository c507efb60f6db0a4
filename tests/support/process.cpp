#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <stdexcept>

#include "support/exec_args.hpp"

namespace oneall::testing {
namespace {

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    if (read_end >= 0) close(read_end);
    if (write_end >= 0) close(write_end);
  }
};

ProcessResult run_from(const char* dir, std::vector<std::string> argv_strings,
                       const std::map<std::string, std::string>& env, std::chrono::seconds limit) {
  std::vector<std::string> env_strings = environment_with(env);
  auto argv = exec_pointers(argv_strings);
  auto envp = exec_pointers(env_strings);

  Pipe out_pipe, err_pipe;
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    setpgid(0, 0);  // a group of its own: a time limit ends the children it started too
    dup2(out_pipe.write_end, STDOUT_FILENO);
    dup2(err_pipe.write_end, STDERR_FILENO);
    const int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, STDIN_FILENO);
    if (dir != nullptr && chdir(dir) != 0) _exit(126);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out_pipe.write_end);
  out_pipe.write_end = -1;
  close(err_pipe.write_end);
  err_pipe.write_end = -1;

  ProcessResult result;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::array<pollfd, 2> fds{{{out_pipe.read_end, POLLIN, 0}, {err_pipe.read_end, POLLIN, 0}}};
  int open_streams = 2;
  while (open_streams > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
      break;
    }
    if (poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0) continue;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
      char buffer[65536];
      const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      } else {
        fds[i].fd = -1;
        --open_streams;
      }
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = (!result.timed_out && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return result;
}

std::vector<std::string> oneall_argv(const std::vector<std::string>& args) {
  std::vector<std::string> argv{ONEALL_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

ProcessResult run_oneall(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env,
                         std::chrono::seconds limit) {
  return run_from(nullptr, oneall_argv(args), env, limit);
}

ProcessResult run_program(const std::vector<std::string>& argv, std::chrono::seconds limit) {
  return run_from(nullptr, argv, {}, limit);
}

ProcessResult run_oneall_in(const std::string& dir, const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env,
                            std::chrono::seconds limit) {
  return run_from(dir.c_str(), oneall_argv(args), env, limit);
}

}  // namespace oneall::testing
