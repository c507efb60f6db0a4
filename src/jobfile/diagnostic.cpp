#include <string>

#include "jobfile/job_record.hpp"

namespace oneall::jobfile {

std::string Diagnostic::to_string() const {
  // A problem with the whole file (cannot open it, unknown format, the overflow summary) has no
  // line; "file:0:" would send the reader looking for a line that does not exist.
  std::string text = pos.file;
  if (pos.line > 0) {
    text += ':' + std::to_string(pos.line);
    if (pos.column > 0) text += ':' + std::to_string(pos.column);
  }
  text += ": ";
  if (!field.empty()) text += field + ": ";
  text += message;
  return text;
}

}  // namespace oneall::jobfile
