// Where `audit` and `report` write: stdout, or the --out file. A file is created readable by
// its owner only (0600), whatever the umask: it holds request bodies of users' accounts.
#pragma once

#include <fstream>
#include <memory>
#include <ostream>
#include <string>

#include "util/result.hpp"

namespace oneall::cli {

class OutputFile {
 public:
  // `path` empty: writes go to `fallback` (stdout).
  static Result<std::unique_ptr<OutputFile>> open(const std::string& path, std::ostream& fallback);

  std::ostream& stream() { return *out_; }
  // Flushes; an Error says writing failed (disk full?), naming the file.
  Status close();

  OutputFile(std::string path, std::ostream& fallback);  // use open()

 private:
  std::string path_;
  std::ofstream file_;
  std::ostream* out_;
};

}  // namespace oneall::cli
