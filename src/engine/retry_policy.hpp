// What a finished attempt means for its job (SPEC §3, §5), as pure functions: classification
// of the answer, exponential backoff with full jitter, and the Retry-After header. No I/O, no
// clock of their own, so they are tested exhaustively by table.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "api/target.hpp"
#include "store/job_state.hpp"
#include "util/clock.hpp"

namespace oneall::engine {

struct AttemptResult {
  api::Op op = api::Op::kDelete;
  int attempt = 1;  // 1-based number of the attempt that finished
  int max_attempts = 5;
  bool transport_error = false;  // no complete HTTP answer: connection error, timeout, reset
  int http_status = 0;           // 0 when there was no answer
  std::string_view api_flag;     // response.request.status.flag, "" if not parsed
};

struct Decision {
  store::JobState next = store::JobState::kFailed;  // kPending means: retry later
  std::string outcome;  // for the attempt row: "succeeded" | "failed" | "retry" | "dead"
  std::string note;     // "already_gone", "api_flag_error", ...
};

bool is_retryable_status(int http_status);

Decision classify(const AttemptResult& result);

// Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))] milliseconds.
std::int64_t backoff_ms(int attempt, std::int64_t base_ms, std::int64_t cap_ms,
                        std::mt19937_64& random);

// Retry-After as milliseconds from `now`: delta-seconds or an HTTP date. nullopt for a header
// that is absent, malformed or negative; capped at one day.
std::optional<std::int64_t> parse_retry_after_ms(std::string_view header, EpochMs now);

}  // namespace oneall::engine
