#include "audit/gzip_lines.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace oneall::audit {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

std::string zlib_error(gzFile_s* gz) {
  int code = Z_OK;
  const char* message = gzerror(gz, &code);
  if (code == Z_ERRNO) return std::strerror(errno);
  return message != nullptr ? message : "zlib error";
}

}  // namespace

void GzipCloser::operator()(gzFile_s* file) const { gzclose(file); }

GzipLineWriter::GzipLineWriter(std::string path, FileDescriptor fd, gzFile_s* gz)
    : path_(std::move(path)), fd_(std::move(fd)), gz_(gz) {}

Result<GzipLineWriter> GzipLineWriter::create(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd.valid()) return Error{fmt::format("cannot create {}: {}", path, std::strerror(errno))};
  const int duplicate = ::dup(fd.get());
  gzFile_s* gz = duplicate >= 0 ? gzdopen(duplicate, "wb6") : nullptr;
  if (gz == nullptr) {
    if (duplicate >= 0) ::close(duplicate);
    return Error{
        fmt::format("cannot start a gzip stream in {}: out of memory or descriptors", path)};
  }
  gzbuffer(gz, 128 * 1024);
  return GzipLineWriter(path, std::move(fd), gz);
}

Status GzipLineWriter::write_line(std::string_view line) {
  const auto write = [&](const void* bytes, std::size_t size) {
    return size == 0 || gzwrite(gz_.get(), bytes, static_cast<unsigned>(size)) > 0;
  };
  if (!write(line.data(), line.size()) || !write("\n", 1)) {
    return Error{fmt::format("cannot write {}: {} (disk full?)", path_, zlib_error(gz_.get()))};
  }
  return Ok{};
}

Status GzipLineWriter::close() {
  const int closed = gzclose(gz_.release());
  if (closed != Z_OK) {
    return Error{
        fmt::format("cannot write the end of {} (zlib error {}; disk full?)", path_, closed)};
  }
  if (::fsync(fd_.get()) != 0) {
    return Error{fmt::format("cannot sync {}: {}", path_, std::strerror(errno))};
  }
  fd_.reset();
  return Ok{};
}

GzipLineReader::GzipLineReader(std::string path, gzFile_s* gz) : path_(std::move(path)), gz_(gz) {}

Result<GzipLineReader> GzipLineReader::open(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Error{fmt::format("cannot open {}: {}", path, std::strerror(errno))};
  gzFile_s* gz = gzdopen(fd.get(), "rb");
  if (gz == nullptr) return Error{fmt::format("cannot read {}: out of memory", path)};
  (void)fd.release();  // zlib closes it now
  gzbuffer(gz, 128 * 1024);
  return GzipLineReader(path, gz);
}

Result<std::optional<std::string>> GzipLineReader::next_line() {
  for (;;) {
    const std::size_t newline = buffer_.find('\n', start_);
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(start_, newline - start_);
      start_ = newline + 1;
      return std::optional<std::string>(std::move(line));
    }
    if (at_end_) {
      if (start_ == buffer_.size()) return std::optional<std::string>();
      std::string rest = buffer_.substr(start_);  // a last line without its newline
      start_ = buffer_.size();
      return std::optional<std::string>(std::move(rest));
    }
    buffer_.erase(0, start_);
    start_ = 0;
    std::array<char, kReadChunk> chunk{};
    const int got = gzread(gz_.get(), chunk.data(), static_cast<unsigned>(chunk.size()));
    if (got < 0) {
      return Error{fmt::format("cannot read {}: {} (not a gzip file, or damaged)", path_,
                               zlib_error(gz_.get()))};
    }
    if (got == 0) {
      int code = Z_OK;
      gzerror(gz_.get(), &code);
      if (code != Z_OK) {
        return Error{fmt::format("cannot read {}: its gzip stream is cut short or damaged", path_)};
      }
      at_end_ = true;
    }
    buffer_.append(chunk.data(), static_cast<std::size_t>(got));
  }
}

Status sync_folder_of(const std::string& path) {
  std::filesystem::path folder = std::filesystem::absolute(path).parent_path();
  FileDescriptor fd(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) {
    return Error{
        fmt::format("cannot sync the folder {}: {}", folder.string(), std::strerror(errno))};
  }
  return Ok{};
}

}  // namespace oneall::audit
