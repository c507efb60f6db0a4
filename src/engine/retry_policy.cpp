#include "engine/retry_policy.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "util/text.hpp"

namespace oneall::engine {
namespace {

constexpr std::int64_t kMaxRetryAfterMs = 24LL * 3600 * 1000;

Decision retry_or_dead(const AttemptResult& r, std::string note) {
  if (r.attempt < r.max_attempts) return {store::JobState::kPending, "retry", std::move(note)};
  return {store::JobState::kDead, "dead", std::move(note)};
}

Decision failed(std::string note) { return {store::JobState::kFailed, "failed", std::move(note)}; }

}  // namespace

TransportFailure transport_failure(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return TransportFailure::kNone;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
      return TransportFailure::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::kTimeout;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:  // usually a handshake cut short; a real mismatch stays bounded
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_FAIL_REWIND:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
      return TransportFailure::kConnectionLost;
    case CURLE_PEER_FAILED_VERIFICATION:  // also CURLE_SSL_CACERT, its old name
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return TransportFailure::kTls;
    default:
      return TransportFailure::kLocal;
  }
}

bool is_complete_answer(const ReceivedAnswer& a) {
  if (a.http_status < 200 || !a.headers_ended) return false;
  // RFC 9110 §15.3.5, §15.4.5: these never carry a body, whatever the headers say.
  if (a.http_status == 204 || a.http_status == 304) return true;
  return a.content_length >= 0 && a.body_bytes == static_cast<std::uint64_t>(a.content_length);
}

CURLcode settled_result(CURLcode result, const ReceivedAnswer& answer) {
  const TransportFailure failure = transport_failure(result);
  const bool after_the_answer =
      failure == TransportFailure::kConnectionLost || failure == TransportFailure::kTimeout;
  return after_the_answer && is_complete_answer(answer) ? CURLE_OK : result;
}

bool is_retryable_status(int s) {
  return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

Decision classify(const AttemptResult& r) {
  switch (transport_failure(r.curl_code)) {
    case TransportFailure::kNone:
      break;
    case TransportFailure::kTls:
      // Retrying cannot change the certificate; the user has to fix --cacert or the endpoint.
      return failed("tls_error");
    case TransportFailure::kLocal:
      return failed("curl_error");
    case TransportFailure::kConnect:
      return retry_or_dead(r, "not_sent");
    case TransportFailure::kTimeout:
      return retry_or_dead(r, r.request_sent ? "timeout" : "not_sent");
    case TransportFailure::kConnectionLost:
      return retry_or_dead(r, r.request_sent ? "connection_lost" : "not_sent");
  }
  const int s = r.http_status;
  if (s >= 200 && s < 300) {
    // A 2xx whose body says "error" is the API refusing; anything else (even no body) is done.
    if (r.api_flag == "error") return failed("api_flag_error");
    return {store::JobState::kSucceeded, "succeeded", ""};
  }
  // An earlier attempt of this delete may have removed the object before its answer was lost
  // (or the user says a missing object is fine: deleted by hand, or never there): the object
  // being gone now is the effect we wanted. Deletes are idempotent in effect.
  if (s == 404 && r.op == api::Op::kDelete &&
      (r.missing_ok || r.earlier_attempt_may_have_reached_server || r.resent_by_libcurl)) {
    return {store::JobState::kSucceeded, "succeeded", "already_gone"};
  }
  if (is_retryable_status(s)) return retry_or_dead(r, "http_" + std::to_string(s));
  return failed("http_" + std::to_string(s));
}

bool needs_attempt_history(const AttemptResult& r) {
  return r.op == api::Op::kDelete && r.curl_code == CURLE_OK && r.http_status == 404 &&
         r.attempt > 1 && !r.resent_by_libcurl && !r.missing_ok;
}

bool may_have_reached_server(const store::AttemptRecord& earlier) {
  if (earlier.outcome == "interrupted") return true;  // the process died with it in flight
  // libcurl sent it again after a connection closed unanswered: whatever the second send was
  // told (a 429, say), the first may have been applied.
  if (earlier.requests_sent > 1) return true;
  if (earlier.note == "not_sent" || earlier.note == "tls_error") return false;
  const int s = earlier.http_status;
  if (s == 0) return true;  // sent, and no answer came back: it may have been applied
  if (s >= 200 && s < 300) return true;
  if (s >= 500) return true;  // 502/504 in particular may come from a gateway after the fact
  return false;               // 4xx (408 and 429 included) and the rest: refused, not applied
}

std::int64_t backoff_ms(int attempt, std::int64_t base_ms, std::int64_t cap_ms,
                        std::mt19937_64& random) {
  if (base_ms <= 0 || cap_ms <= 0) return 0;
  const int doublings = std::clamp(attempt - 1, 0, 62);
  std::int64_t ceiling = std::min(base_ms, cap_ms);
  for (int i = 0; i < doublings && ceiling < cap_ms; ++i) ceiling = std::min(ceiling * 2, cap_ms);
  return std::uniform_int_distribution<std::int64_t>(0, ceiling)(random);
}

std::optional<std::int64_t> parse_retry_after_ms(std::string_view header, EpochMs now) {
  header = trim_http_whitespace(header);
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
  // The whole header, not up to a NUL byte a server slipped in.
  if (end != text.c_str() + text.size()) return std::nullopt;
  const std::int64_t at_ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
  return std::clamp<std::int64_t>(at_ms - now, 0, kMaxRetryAfterMs);
}

std::int64_t retry_delay_ms(std::int64_t backoff, std::optional<std::int64_t> retry_after_ms) {
  return retry_after_ms ? std::max(backoff, *retry_after_ms) : backoff;
}

}  // namespace oneall::engine
