// libFuzzer target for the Retry-After parser (engine/retry_policy.cpp): a header value as a
// server may send it, any bytes. Besides crashes and sanitizer reports (an overflow in the date
// arithmetic would be one) it checks the contract the runner relies on: a wait is never
// negative and never more than a day, and it does not depend on the clock for delta-seconds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/retry_policy.hpp"
#include "fuzz_checks.hpp"

using oneall::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  constexpr std::int64_t kOneDayMs = 24LL * 3600 * 1000;
  constexpr std::int64_t kNow = 1'780'000'000'000;  // 2026-05-28, a fixed clock
  const auto wait = oneall::engine::parse_retry_after_ms(header, kNow);
  if (!wait) return 0;
  require(*wait >= 0, "a negative wait");
  require(*wait <= kOneDayMs, "a wait of more than a day");
  // Delta-seconds are relative already: the same at any time. (An IMF-fixdate has a comma.)
  if (header.find(',') == std::string_view::npos) {
    require(oneall::engine::parse_retry_after_ms(header, 0) == wait,
            "delta-seconds that depend on the clock");
  }
  return 0;
}
