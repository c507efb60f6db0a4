// What every fuzzer checks beyond "no crash, no sanitizer report": a record the reader hands on
// must be one that render() turns into a request whose body is JSON carrying the record's
// fields (body_check.hpp), and every diagnostic must name the file.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "api/action.hpp"
#include "body_check.hpp"
#include "jobfile/job_record.hpp"

namespace oneall::fuzz {

inline void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz check failed: %s\n", what);
    std::abort();
  }
}

inline void check_record(const jobfile::JobRecord& record) {
  require(api::validate(record.action).empty(), "a record that reached the sink fails validate()");
  const Result<api::HttpRequest> request = api::render(record.action);
  require(request.ok(), "a record that reached the sink does not render");
  if (auto problem = body_problem(record.action, *request)) {
    std::fprintf(stderr, "%s\n", problem->c_str());
    require(false, "a record that reached the sink renders a body that is not its fields as JSON");
  }
  require(record.pos.line > 0, "a record without a line");
}

inline void check_diagnostics(const std::vector<jobfile::Diagnostic>& diagnostics,
                              const std::string& name) {
  for (const auto& d : diagnostics) {
    require(d.pos.file == name, "a diagnostic names another file");
    require(!d.message.empty(), "a diagnostic without a message");
  }
}

}  // namespace oneall::fuzz
