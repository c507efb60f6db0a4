// An owned file descriptor, closed with its owner. A negative value owns nothing (a failed
// open(2) can be wrapped at once and checked with valid()). It moves, so a function can open a
// descriptor and hand it on, and release() gives it up to code that takes ownership itself; no
// path has to close a descriptor by hand.
#pragma once

#include <unistd.h>

#include <utility>

namespace oneall {

class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() { reset(); }

  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

  // Gives the descriptor up without closing it; this owner then owns nothing.
  [[nodiscard]] int release() { return std::exchange(fd_, -1); }

  // Closes what is owned (a close(2) error is lost: callers who must know use close()) and takes
  // `fd` instead.
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

  // Closes now and says whether close(2) succeeded (it reports delayed write errors on some file
  // systems); owns nothing afterwards either way.
  bool close() {
    if (fd_ < 0) return true;
    return ::close(release()) == 0;
  }

 private:
  int fd_ = -1;
};

}  // namespace oneall
