#include "engine/retry_policy.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace oneall::engine {
namespace {

constexpr std::int64_t kMaxRetryAfterMs = 24LL * 3600 * 1000;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' ||
                           text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return text;
}

Decision retry_or_dead(const AttemptResult& r, std::string note) {
  if (r.attempt < r.max_attempts) return {store::JobState::kPending, "retry", std::move(note)};
  return {store::JobState::kDead, "dead", std::move(note)};
}

}  // namespace

bool is_retryable_status(int s) {
  return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

Decision classify(const AttemptResult& r) {
  if (r.transport_error) return retry_or_dead(r, "transport_error");
  const int s = r.http_status;
  if (s >= 200 && s < 300) {
    // A 2xx whose body says "error" is the API refusing; anything else (even no body) is done.
    if (r.api_flag == "error") return {store::JobState::kFailed, "failed", "api_flag_error"};
    return {store::JobState::kSucceeded, "succeeded", ""};
  }
  // An earlier attempt of this delete may have reached the server before its answer was lost:
  // the object being gone now is the effect we wanted.
  if (s == 404 && r.op == api::Op::kDelete && r.attempt > 1) {
    return {store::JobState::kSucceeded, "succeeded", "already_gone"};
  }
  if (is_retryable_status(s)) return retry_or_dead(r, "http_" + std::to_string(s));
  return {store::JobState::kFailed, "failed", "http_" + std::to_string(s)};
}

std::int64_t backoff_ms(int attempt, std::int64_t base_ms, std::int64_t cap_ms,
                        std::mt19937_64& random) {
  if (base_ms <= 0 || cap_ms <= 0) return 0;
  const int doublings = std::clamp(attempt - 1, 0, 40);
  std::int64_t ceiling = base_ms;
  for (int i = 0; i < doublings && ceiling < cap_ms; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap_ms);
  return std::uniform_int_distribution<std::int64_t>(0, ceiling)(random);
}

std::optional<std::int64_t> parse_retry_after_ms(std::string_view header, EpochMs now) {
  header = trim(header);
  if (header.empty()) return std::nullopt;
  if (std::all_of(header.begin(), header.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t seconds = 0;
    const auto [end, error] =
        std::from_chars(header.data(), header.data() + header.size(), seconds);
    if (error == std::errc::result_out_of_range) return kMaxRetryAfterMs;
    if (error != std::errc() || end != header.data() + header.size()) return std::nullopt;
    return std::min(seconds, kMaxRetryAfterMs / 1000) * 1000;
  }
  // HTTP-date (RFC 9110 IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT".
  std::tm tm{};
  const std::string text(header);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const std::int64_t at_ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
  return std::clamp<std::int64_t>(at_ms - now, 0, kMaxRetryAfterMs);
}

}  // namespace oneall::engine
