#include "util/this_host.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>

namespace oneall {

std::string host_name() {
  std::array<char, HOST_NAME_MAX + 1> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "unknown";
  return name.data();
}

bool process_alive(std::int64_t pid) {
  if (pid <= 0) return true;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

}  // namespace oneall
