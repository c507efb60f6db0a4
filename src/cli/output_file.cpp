#include "cli/output_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace oneall::cli {

OutputFile::OutputFile(std::string path, std::ostream& fallback)
    : path_(std::move(path)), out_(&fallback) {}

Result<std::unique_ptr<OutputFile>> OutputFile::open(const std::string& path,
                                                     std::ostream& fallback) {
  auto output = std::make_unique<OutputFile>(path, fallback);
  if (path.empty()) return output;
  // Create it 0600 first (an existing file is made 0600 too), then let the stream truncate it.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    const int error = errno;
    if (fd >= 0) ::close(fd);
    return Error{fmt::format("cannot write {}: {}", path, std::strerror(error))};
  }
  ::close(fd);
  output->file_.open(path, std::ios::binary | std::ios::trunc);
  if (!output->file_) {
    return Error{fmt::format("cannot write {}: {}", path, std::strerror(errno))};
  }
  output->out_ = &output->file_;
  return output;
}

Status OutputFile::close() {
  out_->flush();
  if (file_.is_open()) file_.close();
  if (!*out_ || (path_.empty() ? false : file_.fail())) {
    return Error{fmt::format("writing {} failed (disk full?)",
                             path_.empty() ? std::string("the output") : path_)};
  }
  return Ok{};
}

}  // namespace oneall::cli
