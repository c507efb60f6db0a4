#include "jobfile/diagnostic_list.hpp"

#include <utility>

namespace oneall::jobfile {

void DiagnosticList::add(SourcePos pos, std::string field, std::string message) {
  if (stored_.size() >= cap_) {
    ++dropped_;
    return;
  }
  stored_.push_back({std::move(pos), std::move(field), std::move(message)});
}

void DiagnosticList::append(DiagnosticList&& other) {
  for (Diagnostic& d : other.stored_)
    add(std::move(d.pos), std::move(d.field), std::move(d.message));
  dropped_ += other.dropped_;
}

std::vector<Diagnostic> DiagnosticList::take() && {
  if (dropped_ > 0) {
    stored_.push_back(
        {at(0), "",
         "... and " + std::to_string(dropped_) + " more problem" + (dropped_ == 1 ? "" : "s")});
  }
  return std::move(stored_);
}

}  // namespace oneall::jobfile
