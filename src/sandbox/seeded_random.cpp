#include "sandbox/seeded_random.hpp"

namespace oneall::sandbox {
namespace {

std::uint64_t system_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace

SeededRandom::SeededRandom(std::optional<std::uint64_t> seed)
    : seed_(seed ? *seed : system_seed()), engine_(seed_) {}

double SeededRandom::uniform() {
  std::lock_guard lock(mutex_);
  // The top 53 bits as a fraction: exactly uniform over [0, 1), never 1.0
  // (std::generate_canonical may round up to 1.0).
  return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

bool SeededRandom::chance(double p) {
  if (p <= 0) return false;  // no draw: a fault that is off does not shift the others' rolls
  if (p >= 1) return true;
  return uniform() < p;
}

}  // namespace oneall::sandbox
