#include "jobfile/input_file.hpp"

#include <cerrno>
#include <cstring>

namespace oneall::jobfile {

Result<InputFile> InputFile::open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Error{std::string("cannot open: ") + std::strerror(errno)};
  return InputFile(file);
}

Result<std::size_t> InputFile::read(std::span<char> buffer) {
  const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), file_.get());
  // A directory opens fine on Linux and fails here with EISDIR.
  if (got == 0 && std::ferror(file_.get())) {
    return Error{std::string("cannot read: ") + std::strerror(errno)};
  }
  return got;
}

}  // namespace oneall::jobfile
