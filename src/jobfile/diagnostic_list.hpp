// The problems found in one job file, capped so that a file with a million bad rows cannot
// exhaust memory: the first kMaxStoredDiagnostics are kept and the rest are only counted, then
// summarised by one last "... and N more problems".
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "jobfile/job_record.hpp"

namespace oneall::jobfile {

inline constexpr std::size_t kMaxStoredDiagnostics = 1000;

class DiagnosticList {
 public:
  explicit DiagnosticList(std::string file, std::size_t cap = kMaxStoredDiagnostics)
      : file_(std::move(file)), cap_(cap) {}

  const std::string& file() const { return file_; }
  SourcePos at(std::size_t line, std::size_t column = 0) const { return {file_, line, column}; }

  void add(SourcePos pos, std::string field, std::string message);
  // A problem of the whole file (cannot open it, unknown format): no line.
  void add_file_problem(std::string message) { add(at(0), "", std::move(message)); }

  std::size_t count() const { return stored_.size() + dropped_; }

  // Adds all of `other`'s problems after these, as if they had been added here (the cap applies
  // to the whole): for a reader that finds problems in another order than it reports them.
  void append(DiagnosticList&& other);

  // The stored problems, with the overflow summary last when some were dropped.
  std::vector<Diagnostic> take() &&;

 private:
  std::string file_;
  std::size_t cap_;
  std::vector<Diagnostic> stored_;
  std::size_t dropped_ = 0;
};

}  // namespace oneall::jobfile
