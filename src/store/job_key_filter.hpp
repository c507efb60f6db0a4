// Which stored job keys a queue may hold, in a few bits a key (a Bloom filter): a large import
// into a queue that already holds many jobs asks it before looking a key up, and looks up only
// the keys it may hold (src/store/queue_import.cpp). A "no" is certain; a "maybe" is wrong for
// about 1 % of the keys not held. The keys are SHA-256 bytes (job_keys.hpp), so their own bits
// serve as the filter's hashes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace oneall::store {

class JobKeyFilter {
 public:
  // Room for `keys` keys at about 10 bits each, but no more than `max_bytes` (more keys than
  // that room is meant for only make "maybe" more frequent).
  explicit JobKeyFilter(std::int64_t keys, std::size_t max_bytes = std::size_t{16} << 20);

  // `key` is a stored job key (16 bytes; only its first 16 are read).
  void add(std::string_view key);
  bool may_hold(std::string_view key) const;

 private:
  // The key's i-th bit position, from its two 64-bit halves (Kirsch and Mitzenmacher).
  std::uint64_t position(std::uint64_t first, std::uint64_t second, int i) const;

  std::vector<std::uint64_t> words_;
  std::uint64_t bits_;
};

}  // namespace oneall::store
