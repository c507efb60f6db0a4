// Helpers for the job-file reader tests: read a file and keep both what reached the sink and
// the diagnostics, and find diagnostics by field.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jobfile/reader.hpp"

namespace oneall::jobfile::testing {

inline constexpr const char* kIdentityA = "2af20011-8965-471b-8f6b-8b66a611aae6";
inline constexpr const char* kIdentityB = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

struct ReadResult {
  std::vector<JobRecord> records;
  std::vector<Diagnostic> diagnostics;

  std::string all_messages() const {
    std::string text;
    for (const Diagnostic& d : diagnostics) text += d.to_string() + "\n";
    return text;
  }
};

inline ReadResult read(const std::string& path, const ReadOptions& options = {}) {
  ReadResult result;
  result.diagnostics =
      read_job_file(path, options, [&](JobRecord&& record) { result.records.push_back(record); });
  return result;
}

}  // namespace oneall::jobfile::testing
