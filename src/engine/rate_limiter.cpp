#include "engine/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace oneall::engine {
namespace {

constexpr double kMinRate = 0.5;  // a 429 never slows a scope below one request per 2 s
constexpr EpochMs kCutSpacingMs = 1000;
constexpr double kRecoverySteps = 10;  // seconds from a cut back to the ceiling (at most)

}  // namespace

int default_burst(double per_second) {
  return std::clamp(static_cast<int>(std::lround(per_second / 10)), 2, 50);
}

// ---- Gcra

Gcra::Gcra(double per_second, int burst) : burst_(std::max(1, burst)) { set_rate(per_second); }

void Gcra::set_rate(double per_second) {
  rate_ = std::max(per_second, kMinRate / 10);
  interval_ms_ = 1000.0 / rate_;
  tolerance_ms_ = interval_ms_ * (burst_ - 1);
}

EpochMs Gcra::conforms_at(EpochMs now) const {
  const double earliest = arrival_ms_ - tolerance_ms_;
  if (earliest <= static_cast<double>(now)) return now;
  return static_cast<EpochMs>(std::ceil(earliest));
}

void Gcra::take(EpochMs now) {
  arrival_ms_ = std::max(arrival_ms_, static_cast<double>(now)) + interval_ms_;
}

// ---- AdaptiveRate

AdaptiveRate::AdaptiveRate(std::optional<double> ceiling) : ceiling_(ceiling) {
  if (ceiling_) limit_.emplace(*ceiling_, default_burst(*ceiling_));
}

std::optional<double> AdaptiveRate::current_rate() const {
  if (!limit_) return std::nullopt;
  return limit_->rate();
}

EpochMs AdaptiveRate::conforms_at(EpochMs now) {
  recover(now);
  return limit_ ? limit_->conforms_at(now) : now;
}

void AdaptiveRate::take(EpochMs now) {
  if (limit_) limit_->take(now);
}

void AdaptiveRate::throttled(EpochMs now, double observed_per_s) {
  recover(now);
  if (cut_ && now - last_cut_ < kCutSpacingMs) return;  // the same burst's other answers
  const double before = limit_ ? limit_->rate() : std::max(observed_per_s, 2 * kMinRate);
  const double after = std::max(kMinRate, before / 2);
  if (!cut_) recover_to_ = ceiling_.value_or(before);
  if (limit_) {
    limit_->set_rate(after);
  } else {
    limit_.emplace(after, default_burst(after));
  }
  step_per_s_ = std::max(recover_to_ / kRecoverySteps, kMinRate);
  cut_ = true;
  last_cut_ = now;
  last_step_ = now;
}

void AdaptiveRate::recover(EpochMs now) {
  if (!cut_ || !limit_) return;
  const EpochMs steps = (now - last_step_) / 1000;
  if (steps <= 0) return;
  last_step_ += steps * 1000;
  const double raised = limit_->rate() + static_cast<double>(steps) * step_per_s_;
  if (raised < recover_to_) {
    limit_->set_rate(raised);
    return;
  }
  cut_ = false;
  if (ceiling_) {
    limit_->set_rate(*ceiling_);
  } else {
    limit_.reset();  // back where it was before the 429: no limit
  }
}

// ---- StartCounter

void StartCounter::add(EpochMs now) {
  const EpochMs id = now / kBucketMs;
  const std::size_t slot = static_cast<std::size_t>(id) % kBuckets;
  if (bucket_ids_[slot] != id) {
    bucket_ids_[slot] = id;
    counts_[slot] = 0;
  }
  ++counts_[slot];
}

double StartCounter::per_second(EpochMs now) const {
  const EpochMs newest = now / kBucketMs;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    if (bucket_ids_[i] > newest - static_cast<EpochMs>(kBuckets)) total += counts_[i];
  }
  return static_cast<double>(total);  // ten buckets of 100 ms: one second
}

// ---- SendGate

SendGate::SendGate(std::optional<double> rate, std::optional<double> identity_rate)
    : run_(rate), identity_rate_(identity_rate) {}

EpochMs SendGate::run_ready_at(EpochMs now) { return run_.conforms_at(now); }

EpochMs SendGate::identity_ready_at(const std::string& identity, EpochMs now) {
  if (!identity_rate_) return now;
  auto it = identities_.try_emplace(identity, identity_rate_).first;
  return it->second.conforms_at(now);
}

void SendGate::started(const std::string& identity, EpochMs now) {
  run_.take(now);
  if (identity_rate_) identities_.try_emplace(identity, identity_rate_).first->second.take(now);
  starts_.add(now);
}

void SendGate::throttled(const std::string& identity, EpochMs now) {
  if (identity_rate_) {
    auto it = identities_.try_emplace(identity, identity_rate_).first;
    it->second.throttled(now, *identity_rate_);
  } else {
    run_.throttled(now, starts_.per_second(now));
  }
}

}  // namespace oneall::engine
