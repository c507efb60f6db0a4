// A job file opened for reading: the RAII owner of its FILE*, read in fixed-size chunks so that
// the readers never hold a whole (possibly huge) file in memory. Failures carry strerror text.
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>
#include <span>
#include <string>

#include "util/result.hpp"

namespace oneall::jobfile {

class InputFile {
 public:
  // Error message: "cannot open: <strerror>".
  static Result<InputFile> open(const std::string& path);

  // Fills `buffer` as far as the file allows; returns the byte count, 0 at the end of the file.
  // Error message: "cannot read: <strerror>".
  Result<std::size_t> read(std::span<char> buffer);

 private:
  struct Closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  explicit InputFile(std::FILE* file) : file_(file) {}

  std::unique_ptr<std::FILE, Closer> file_;
};

}  // namespace oneall::jobfile
