// A job as read from a job file: the Action it asks for, and where it was written, so that
// every later message about it can point back to file:line.
#pragma once

#include <cstddef>
#include <string>

#include "api/action.hpp"
#include "api/schedule.hpp"

namespace oneall::jobfile {

struct SourcePos {
  std::string file;
  std::size_t line = 0;    // 1-based; 0 when unknown
  std::size_t column = 0;  // 1-based; 0 when unknown
};

struct JobRecord {
  api::Action action;
  api::Schedule schedule;  // not_before / expires_at, when the file gives them
  SourcePos pos;
};

// One thing wrong in a job file. to_string(): "file:line:column: field: message"
// (the column and the field are left out when unknown).
struct Diagnostic {
  SourcePos pos;
  std::string field;
  std::string message;

  std::string to_string() const;
};

}  // namespace oneall::jobfile
