#include "cli/output_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace oneall::cli {
namespace {

constexpr std::size_t kBufferBytes = 64 * 1024;

bool something_at(const std::string& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0;  // lstat: a dangling symlink is something too
}

Error cannot_write(const std::string& path, int error) {
  return Error{fmt::format("cannot write {}: {}", path, std::strerror(error))};
}

Error already_there(const std::string& path) {
  return Error{fmt::format("{} already exists; nothing was written. Name a new file, or pass "
                           "--force to replace it",
                           path)};
}

}  // namespace

Status check_output_target(const std::string& path, ExistingFile existing) {
  if (path.empty() || existing == ExistingFile::kReplace || !something_at(path)) return Ok{};
  return already_there(path);
}

OutputFile::FileBuffer::FileBuffer(FileDescriptor fd) : fd_(std::move(fd)), buffer_(kBufferBytes) {
  setp(buffer_.data(), buffer_.data() + buffer_.size());
}

bool OutputFile::FileBuffer::flush_buffer() {
  const char* next = pbase();
  while (next < pptr() && !failed_) {
    const ssize_t n = ::write(fd_.get(), next, static_cast<std::size_t>(pptr() - next));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failed_ = true;
      break;
    }
    next += n;
  }
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return !failed_;
}

OutputFile::FileBuffer::int_type OutputFile::FileBuffer::overflow(int_type ch) {
  if (!flush_buffer()) return traits_type::eof();
  if (!traits_type::eq_int_type(ch, traits_type::eof())) {
    *pptr() = traits_type::to_char_type(ch);
    pbump(1);
  }
  return traits_type::not_eof(ch);
}

int OutputFile::FileBuffer::sync() { return flush_buffer() ? 0 : -1; }

bool OutputFile::FileBuffer::close() {
  const bool flushed = flush_buffer();
  // fsync before the rename: after a crash the name never points at a file missing its rows.
  const bool synced = flushed && ::fsync(fd_.get()) == 0;
  return fd_.close() && synced;
}

OutputFile::OutputFile(std::ostream& fallback) : out_(&fallback) {}

OutputFile::~OutputFile() {
  if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

Result<std::unique_ptr<OutputFile>> OutputFile::open(const std::string& path, ExistingFile existing,
                                                     std::ostream& fallback, FileAccess access) {
  auto output = std::make_unique<OutputFile>(fallback);
  if (path.empty()) return output;
  if (auto allowed = check_output_target(path, existing); !allowed) return allowed.error();

  const std::filesystem::path target(path);
  std::string temp = (target.parent_path() / ("." + target.filename().string() + ".XXXXXX"))
                         .string();
  // mkostemp: O_EXCL and mode 0600, whatever the umask.
  FileDescriptor fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (!fd.valid()) {
    const int error = errno;
    return Error{fmt::format("cannot write {}: cannot create a new file in its folder: {}", path,
                             std::strerror(error))};
  }
  if (access == FileAccess::kReadableByAll && ::fchmod(fd.get(), 0644) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return cannot_write(path, error);
  }
  output->path_ = path;
  output->temp_path_ = temp;
  output->existing_ = existing;
  output->buffer_ = std::make_unique<FileBuffer>(std::move(fd));
  output->file_stream_ = std::make_unique<std::ostream>(output->buffer_.get());
  output->out_ = output->file_stream_.get();
  return output;
}

Status OutputFile::commit() {
  out_->flush();
  if (!buffer_) {
    if (!*out_) return Error{"writing the output failed (disk full, or stdout closed?)"};
    return Ok{};
  }
  const bool written = !buffer_->failed() && static_cast<bool>(*out_) && buffer_->close();
  if (!written) {
    return Error{fmt::format("writing {} failed (disk full?); it was left as it was", path_)};
  }
  if (existing_ == ExistingFile::kReplace) {
    // rename(2) replaces a symlink at the target itself, never the file it points to.
    if (::rename(temp_path_.c_str(), path_.c_str()) != 0) return cannot_write(path_, errno);
  } else {
    // link(2) fails on anything at the target, so a file that appeared since the check stays.
    // A file system without hard links gets the check and a rename instead.
    if (::link(temp_path_.c_str(), path_.c_str()) == 0) {
      ::unlink(temp_path_.c_str());
    } else if (errno == EEXIST) {
      return already_there(path_);
    } else if (errno != EPERM && errno != EOPNOTSUPP) {
      return cannot_write(path_, errno);
    } else if (something_at(path_)) {
      return already_there(path_);
    } else if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
      return cannot_write(path_, errno);
    }
  }
  temp_path_.clear();
  return Ok{};
}

}  // namespace oneall::cli
