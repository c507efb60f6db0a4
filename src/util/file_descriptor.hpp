// An owned file descriptor, closed with its owner. A negative value owns nothing (a failed
// open(2) can be wrapped at once and checked with get()).
#pragma once

#include <unistd.h>

namespace oneall {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace oneall
