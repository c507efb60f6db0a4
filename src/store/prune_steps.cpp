// prune_steps.hpp: the parts of prune both backends share.
#include "store/prune_steps.hpp"

#include <fmt/format.h>

namespace oneall::store {

bool PrunedAttempts::operator()(const ChainedAttempt& row) {
  status_ = sink_.add(row);
  ++plan_.attempts;
  plan_.end_hash = row.row_hash.value_or("");
  return status_.ok();
}

Error prune_changed(std::string_view queue, std::string_view what) {
  return Error{fmt::format(
      "cannot prune {}: {} changed while prune read it; nothing was deleted. Run prune again "
      "(with the same --archive: its file is replaced)",
      queue, what)};
}

}  // namespace oneall::store
