// The sandbox's one source of randomness: a 64-bit Mersenne Twister behind a mutex, seeded
// from --seed when given (so a run's faults are reproducible in distribution; the exact order
// still depends on how the server's threads interleave) or from the system otherwise.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>

namespace oneall::sandbox {

class SeededRandom {
 public:
  explicit SeededRandom(std::optional<std::uint64_t> seed);

  // Uniform in [0, 1). Thread-safe; the lock is held for one draw only.
  double uniform();
  // True with probability `p` (p <= 0: never, p >= 1: always).
  bool chance(double p);

  std::uint64_t seed() const { return seed_; }

 private:
  const std::uint64_t seed_;
  std::mutex mutex_;
  std::mt19937_64 engine_;
};

}  // namespace oneall::sandbox
