// The queue's side of a run, on a thread of its own. While the loop's thread moves transfers
// along in libcurl, this one commits the completions of the loop's last turn and claims the
// jobs for the slots they free, in one transaction (Queue::finish_and_claim), so SQLite's work
// overlaps libcurl's on another core instead of stalling every answer behind it.
//
// One turn is in hand at a time. The loop keeps the slots of a turn's completions unused until
// the turn's reply, so a crash repeats at most one request per slot, 2 x `concurrency` (those
// in flight, or finished but not yet committed). Between turns this thread does not touch the
// queue, and the loop may use it directly (queue()), e.g. to release jobs when it stops.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "engine/run_options.hpp"
#include "engine/shared_rate.hpp"
#include "store/queue.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace oneall::engine {

class QueueWriter {
 public:
  struct Turn {
    std::vector<store::Completion> completions;
    std::size_t claim = 0;  // jobs wanted, claimed after the completions are recorded
    bool renew_leases = false;
    // The shared rate budget (shared_rate.hpp): 429 holds first, then reservations.
    std::vector<SharedRate::Hold> holds;
    std::vector<SharedRate::Reservation> reservations;
    // Read the paused scopes after the claim (the loop asks every 250 ms, 50 ms when it
    // claims): jobs claimed before a pause are given back, not sent.
    bool read_paused = false;
  };
  struct Reply {
    Status written = Ok{};  // an Error: the turn wrote nothing (or only the lease renewal)
    std::vector<store::ClaimedJob> claimed;
    // When fewer jobs than wanted were claimable: the earliest next_attempt_at of a pending job
    // (a retry backing off, or a job behind a running one on its object); nullopt if none.
    std::optional<EpochMs> next_pending_at;
    std::vector<store::SendWindow> windows;  // the reservations granted
    // The paused scopes, when the turn asked (read_paused), read after its claim.
    std::optional<std::vector<store::PausedScope>> paused;
    // The turn's completions, handed back so that their strings are freed on the loop's thread,
    // whose allocator made them (freeing across threads contends for malloc's arena locks).
    std::vector<store::Completion> spent;
  };

  // `wake` is called on the writer's thread each time a reply is ready (the loop's poll must
  // return for it). Throws std::system_error if the thread cannot start.
  QueueWriter(store::Queue& queue, const RunOptions& options, std::int64_t run_id,
              std::function<void()> wake);
  ~QueueWriter();  // finishes the turn in hand, if any, then ends the thread
  QueueWriter(const QueueWriter&) = delete;
  QueueWriter& operator=(const QueueWriter&) = delete;

  // The members below are for the loop's thread only.
  bool in_hand() const { return in_hand_; }  // a turn was handed over, its reply not taken
  void hand_over(Turn turn);                 // requires !in_hand()
  std::optional<Reply> take_reply();         // the reply, if it is ready; never waits
  Reply wait_for_reply();                    // requires in_hand()
  store::Queue& queue();                     // requires !in_hand()
  // Cuts the queue's call in progress on the writer's thread (Queue::interrupt): its reply then
  // comes soon, an error. For a run that must end without its database.
  void interrupt_queue() { queue_.interrupt(); }
  const std::string& queue_path() const { return queue_.path(); }

 private:
  void write_turns_until_stopped();
  Reply write(const Turn& turn);

  store::Queue& queue_;
  const RunOptions& options_;
  const std::int64_t run_id_;
  const std::function<void()> wake_;
  bool in_hand_ = false;  // the loop's own view; never read by the writer's thread

  std::mutex mutex_;  // guards the three below
  std::condition_variable changed_;
  std::optional<Turn> turn_;
  std::optional<Reply> reply_;
  bool stop_ = false;
  std::thread thread_;  // last: started once everything it uses exists
};

}  // namespace oneall::engine
