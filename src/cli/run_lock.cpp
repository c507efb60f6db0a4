#include "cli/run_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <sstream>
#include <utility>

#include "util/this_host.hpp"

namespace oneall::cli {
namespace {

// The details another process wrote: "pid=…\nhost=…\nsince=…\n".
std::string describe_holder(int fd) {
  std::string content;
  std::array<char, 512> buffer{};
  const ssize_t n = pread(fd, buffer.data(), buffer.size(), 0);
  if (n > 0) content.assign(buffer.data(), static_cast<std::size_t>(n));
  std::map<std::string, std::string> fields;
  std::istringstream lines(content);
  std::string line;
  while (std::getline(lines, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) fields[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (fields.count("pid") == 0) return "a process that has not written its details yet";
  return fmt::format("pid {} on host {}, since {}", fields["pid"], fields["host"], fields["since"]);
}

Status write_holder(int fd, EpochMs now) {
  const std::string details =
      fmt::format("pid={}\nhost={}\nsince={}\n", getpid(), host_name(), format_utc_ms(now));
  if (ftruncate(fd, 0) != 0 ||
      pwrite(fd, details.data(), details.size(), 0) != static_cast<ssize_t>(details.size())) {
    return Error{std::strerror(errno)};
  }
  return Ok{};
}

}  // namespace

std::string RunLock::lock_path_for(const std::string& db_path) { return db_path + ".lock"; }

Result<RunLock> RunLock::try_acquire(const std::string& db_path, EpochMs now) {
  std::string path = lock_path_for(db_path);
  // O_NOFOLLOW: never write our details through a symlink someone left in the lock's place.
  FileDescriptor fd(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) {
    return Error{fmt::format("cannot open the run lock {}: {} (is the database's folder writable?)",
                             path, std::strerror(errno))};
  }
  int locked = -1;
  do {
    locked = flock(fd.get(), LOCK_EX | LOCK_NB);
  } while (locked != 0 && errno == EINTR);
  if (locked != 0) {
    const int error = errno;
    std::string holder = describe_holder(fd.get());
    if (error == EWOULDBLOCK) return RunLock(std::move(path), FileDescriptor(), std::move(holder));
    return Error{fmt::format("cannot lock {}: {}", path, std::strerror(error))};
  }
  if (auto written = write_holder(fd.get(), now); !written) {
    return Error{fmt::format("cannot write the run lock {}: {}", path, written.error().message)};
  }
  return RunLock(std::move(path), std::move(fd), "");
}

}  // namespace oneall::cli
