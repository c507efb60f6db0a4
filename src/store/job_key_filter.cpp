#include "store/job_key_filter.hpp"

#include <algorithm>
#include <cstring>

namespace oneall::store {
namespace {

constexpr int kBitsPerKey = 10;
constexpr int kProbes = 7;  // the fewest false "maybe"s at 10 bits a key: about 0.8 %

struct Halves {
  std::uint64_t first = 0;
  std::uint64_t second = 0;
};

Halves halves(std::string_view key) {
  char bytes[16] = {};
  std::memcpy(bytes, key.data(), std::min(key.size(), sizeof bytes));
  Halves h;
  std::memcpy(&h.first, bytes, 8);
  std::memcpy(&h.second, bytes + 8, 8);
  h.second |= 1;  // odd, so that the probes of one key never all fall on one bit
  return h;
}

}  // namespace

JobKeyFilter::JobKeyFilter(std::int64_t keys, std::size_t max_bytes) {
  const std::uint64_t wanted = static_cast<std::uint64_t>(std::max<std::int64_t>(keys, 1)) *
                               kBitsPerKey;
  const std::uint64_t words = std::clamp<std::uint64_t>((wanted + 63) / 64, 1, max_bytes / 8);
  words_.assign(words, 0);
  bits_ = words * 64;
}

std::uint64_t JobKeyFilter::position(std::uint64_t first, std::uint64_t second, int i) const {
  return (first + static_cast<std::uint64_t>(i) * second) % bits_;
}

void JobKeyFilter::add(std::string_view key) {
  const Halves h = halves(key);
  for (int i = 0; i < kProbes; ++i) {
    const std::uint64_t bit = position(h.first, h.second, i);
    words_[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
}

bool JobKeyFilter::may_hold(std::string_view key) const {
  const Halves h = halves(key);
  for (int i = 0; i < kProbes; ++i) {
    const std::uint64_t bit = position(h.first, h.second, i);
    if ((words_[bit / 64] & (std::uint64_t{1} << (bit % 64))) == 0) return false;
  }
  return true;
}

}  // namespace oneall::store
