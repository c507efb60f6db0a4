// What both backends' prune do alike (queue_prune.cpp, pg_queue_prune.cpp), apart from their
// SQL: hand the attempt rows that go to the sink while counting them into the plan, and refuse
// a commit when the queue changed under the plan. Internal to src/store/.
#pragma once

#include <string_view>

#include "store/queue.hpp"
#include "util/result.hpp"

namespace oneall::store {

// The callback of a backend's walk over the pruned prefix of the log: hands each row to `sink`
// and counts it into `plan` (attempts, end_hash). Stops the walk at the sink's first Error,
// which status() then holds.
class PrunedAttempts {
 public:
  PrunedAttempts(PrunePlan& plan, Queue::RowSink& sink) : plan_(plan), sink_(sink) {}
  bool operator()(const ChainedAttempt& row);
  const Status& status() const { return status_; }

 private:
  PrunePlan& plan_;
  Queue::RowSink& sink_;
  Status status_ = Ok{};
};

// commit_prune's refusal, deleting nothing, when `what` of the queue at `queue` is no longer
// what prune_rows_to found.
Error prune_changed(std::string_view queue, std::string_view what);

}  // namespace oneall::store
