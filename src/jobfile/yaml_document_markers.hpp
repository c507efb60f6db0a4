// Finds a second YAML document in a job file by its `---` or `...` marker line, fed the bytes as
// they are read. A job file holds one document, and jobs after a `---` must not be silently
// ignored; yaml-cpp 0.7 can loop without end on some broken second documents (found by
// tests/fuzz), so only the first document is ever parsed and the rest is found by this scan.
// A marker is always at the start of a line (YAML forbids `---` and `...` at column 1 inside
// scalars), so lines are enough; only a few bytes of each line are looked at.
#pragma once

#include <cstddef>
#include <string_view>

namespace oneall::jobfile {

class DocumentMarkerScan {
 public:
  // Any split of the input gives the same answer.
  void feed(std::string_view bytes);
  // The end of the input: its last line may have no line break.
  void finish();

  // The line of a `---` or `...` marker that starts or ends a document when a document came
  // before it (or of the content after a `...`), else 0.
  std::size_t second_document_line() const { return found_line_; }
  bool found() const { return found_line_ != 0; }
  // Whether a directive line (`%YAML 1.2`, `%TAG ...`) came before the first document.
  bool saw_directive() const { return saw_directive_; }

 private:
  void take(std::string_view part);  // a part of the current line, without its line break
  void end_line();

  // The line being read.
  std::size_t line_ = 1;
  std::size_t length_ = 0;
  char head_[4] = {};
  char last_ = 0;
  std::size_t first_at_ = 0;  // where the first byte other than space and tab is
  char first_ = 0;            // that byte
  bool has_first_ = false;
  char first_visible_ = 0;  // the first byte other than space, tab and CR
  bool has_first_visible_ = false;
  // Across lines.
  bool content_before_ = false;  // a document (or its `---`) came before this line
  bool after_end_marker_ = false;
  std::size_t found_line_ = 0;
  bool saw_directive_ = false;
};

}  // namespace oneall::jobfile
