#include "engine/queue_writer.hpp"

#include <fmt/format.h>
#include <pthread.h>

#include <cassert>
#include <exception>

namespace oneall::engine {

QueueWriter::QueueWriter(store::Queue& queue, const RunOptions& options, std::int64_t run_id,
                         std::function<void()> wake)
    : queue_(queue), options_(options), run_id_(run_id), wake_(std::move(wake)) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "oneall-writer");  // as top -H and perf show it
    write_turns_until_stopped();
  });
}

QueueWriter::~QueueWriter() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void QueueWriter::hand_over(Turn turn) {
  assert(!in_hand_);
  in_hand_ = true;
  {
    std::lock_guard lock(mutex_);
    turn_ = std::move(turn);
  }
  changed_.notify_all();
}

std::optional<QueueWriter::Reply> QueueWriter::take_reply() {
  if (!in_hand_) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (!reply_) return std::nullopt;
  in_hand_ = false;
  std::optional<Reply> reply = std::move(reply_);
  reply_.reset();
  return reply;
}

QueueWriter::Reply QueueWriter::wait_for_reply() {
  assert(in_hand_);
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return reply_.has_value(); });
  in_hand_ = false;
  Reply reply = std::move(*reply_);
  reply_.reset();
  return reply;
}

store::Queue& QueueWriter::queue() {
  assert(!in_hand_);
  return queue_;
}

// A turn handed over before the stop is still written: its completions are requests that were
// answered, and the loop waits for their reply.
void QueueWriter::write_turns_until_stopped() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [this] { return stop_ || turn_.has_value(); });
    if (!turn_) return;  // stopping, nothing in hand
    Turn turn = std::move(*turn_);
    turn_.reset();
    lock.unlock();
    Reply reply = write(turn);
    reply.spent = std::move(turn.completions);
    lock.lock();
    reply_ = std::move(reply);
    lock.unlock();
    changed_.notify_all();
    wake_();
    lock.lock();
  }
}

QueueWriter::Reply QueueWriter::write(const Turn& turn) {
  Reply reply;
  try {
    if (turn.renew_leases) {
      if (Status renewed = queue_.renew_leases(run_id_, options_.lease_ms); !renewed) {
        reply.written = renewed.error();
        return reply;
      }
    }
    for (const SharedRate::Hold& hold : turn.holds) {
      if (Status held = queue_.hold_sends(hold.scope, hold.until); !held) {
        reply.written = held.error();
        return reply;
      }
    }
    for (const SharedRate::Reservation& wanted : turn.reservations) {
      auto window = queue_.reserve_sends(wanted.scope, wanted.interval_us, wanted.count);
      if (!window) {
        reply.written = window.error();
        return reply;
      }
      reply.windows.push_back(std::move(*window));
    }
    if (!turn.completions.empty() || turn.claim > 0) {
      auto claimed = queue_.finish_and_claim(turn.completions, run_id_, turn.claim,
                                             options_.lease_ms, options_.batch);
      if (!claimed) {
        reply.written = claimed.error();
        return reply;
      }
      reply.claimed = std::move(*claimed);
      if (reply.claimed.size() < turn.claim) {
        // Jobs scheduled after the deadline are no work for this run: it ends without them.
        auto next = queue_.next_pending_at(options_.batch, options_.deadline);
        if (!next) {
          reply.written = next.error();
          return reply;
        }
        reply.next_pending_at = *next;
      }
    }
    // After the claim: a pause committed before it kept its jobs out; one committed since is
    // seen here, and the loop gives back what was claimed in its scope.
    if (turn.read_paused) {
      auto paused = queue_.paused_scopes();
      if (!paused) {
        reply.written = paused.error();
        return reply;
      }
      reply.paused = std::move(*paused);
    }
  } catch (const std::exception& e) {  // out of memory, most likely
    reply.written = Error{
        fmt::format("cannot write run {}'s turn to {}: {}", run_id_, queue_.path(), e.what())};
  }
  return reply;
}

}  // namespace oneall::engine
