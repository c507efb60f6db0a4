// What a finished attempt means for its job (docs/cli.md#retry-rules), as pure
// functions: what kind of transport failure a CURLcode is, whether a complete answer came before
// it (and then counts), the classification of an answer into
// the job's next state, whether an earlier attempt may have reached the server, exponential
// backoff with full jitter, and the Retry-After header. No I/O and no clock of their own, so they
// are tested exhaustively by table.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "api/target.hpp"
#include "store/job_state.hpp"
#include "store/records.hpp"
#include "util/clock.hpp"

namespace oneall::engine {

// What kind of failure a transfer's CURLcode is.
enum class TransportFailure {
  kNone,            // CURLE_OK: a complete HTTP answer arrived
  kConnect,         // could not resolve or connect: nothing reached the server
  kTimeout,         // the whole-transfer or connect timeout ran out
  kConnectionLost,  // reset, nothing or half an answer, HTTP/2 stream error, TLS handshake cut
  kTls,             // the server's certificate (or our CA file) was refused: not transient
  kLocal,           // anything else: a bad option, out of memory — a fault on our side
};

TransportFailure transport_failure(CURLcode code);

// What had arrived of the answer when a transfer ended, whatever libcurl said of the transfer.
struct ReceivedAnswer {
  int http_status = 0;               // the final status (CURLINFO_RESPONSE_CODE), 0 when none came
  bool headers_ended = false;        // the blank line after that status's header block came
  std::int64_t content_length = -1;  // as announced (CURLINFO_CONTENT_LENGTH_DOWNLOAD_T); -1: none
  std::uint64_t body_bytes = 0;      // body bytes received, kept or discarded
};

// Whether `answer` is provably whole: a final status, its header block ended, and a body
// complete by its Content-Length (or none by definition: 204, 304).
bool is_complete_answer(const ReceivedAnswer& answer);

// `result` as the retry policy should see it once `answer` arrived. A lost connection or a
// timeout after a complete answer is CURLE_OK: the server answered, and what failed afterwards
// cannot take the answer back. An HTTP/2 server may answer and then reset the stream with
// NO_ERROR before it has read the whole request (RFC 9113 §8.1; nginx does), and libcurl 7.88
// then fails a transfer that had request body left to send with CURLE_HTTP2_STREAM, after
// handing over the whole answer. Any other failure, or an answer short of its Content-Length,
// is left as it is.
CURLcode settled_result(CURLcode result, const ReceivedAnswer& answer);

struct AttemptResult {
  api::Op op = api::Op::kDelete;
  int attempt = 1;  // 1-based number of the attempt that finished
  int max_attempts = 5;
  CURLcode curl_code = CURLE_OK;
  bool request_sent = true;   // some of the request went out (CURLINFO_REQUEST_SIZE > 0)
  int http_status = 0;        // 0 when there was no answer
  std::string_view api_flag;  // response.request.status.flag, "" if not parsed
  // An earlier attempt of this job may have changed the server's state (see
  // may_have_reached_server); only consulted for a DELETE answered 404.
  bool earlier_attempt_may_have_reached_server = false;
  // libcurl sent this attempt's request more than once (InFlightRequest::times_sent): the
  // first may have been applied before its connection closed unanswered.
  bool resent_by_libcurl = false;
  // `run --missing-ok`: the user says an object already gone is what a delete wanted, so a
  // DELETE answered 404 succeeds on any attempt, the first included.
  bool missing_ok = false;
};

struct Decision {
  store::JobState next = store::JobState::kFailed;  // kPending means: retry later
  std::string outcome;  // for the attempt row: "succeeded" | "failed" | "retry" | "dead"
  // Why, for the attempt row and the job: "already_gone", "api_flag_error", "http_503",
  // "not_sent", "timeout", "connection_lost", "tls_error", "curl_error".
  std::string note;
};

bool is_retryable_status(int http_status);

// Rules: a 2xx succeeds unless the body's flag says "error"; connection errors, timeouts, 408,
// 429, 500, 502, 503 and 504 are retried while attempts remain, then dead; TLS refusals, local
// curl errors, other 4xx and any other status fail. A DELETE answered 404 succeeds as
// "already_gone" with missing_ok, or when an earlier attempt may have deleted the object;
// otherwise it fails. An update answered 404 fails whatever missing_ok says.
Decision classify(const AttemptResult& result);

// Whether a DELETE 404 needs the job's earlier attempts looked up (a first attempt has none;
// with missing_ok the answer does not depend on them).
bool needs_attempt_history(const AttemptResult& result);

// Whether an earlier attempt, as the audit log recorded it, may have changed the server's
// state: it was interrupted, or it was sent and got no answer, or the server answered 2xx or
// 5xx. An attempt never sent, refused by TLS, or answered 4xx (408 and 429 included) did not.
bool may_have_reached_server(const store::AttemptRecord& earlier);

// Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))] milliseconds.
std::int64_t backoff_ms(int attempt, std::int64_t base_ms, std::int64_t cap_ms,
                        std::mt19937_64& random);

// Retry-After as milliseconds from `now`: delta-seconds or an HTTP date (IMF-fixdate). nullopt
// for a header that is absent, malformed or negative; capped at one day.
std::optional<std::int64_t> parse_retry_after_ms(std::string_view header, EpochMs now);

// How long to wait before the next attempt: the backoff, but never less than Retry-After.
std::int64_t retry_delay_ms(std::int64_t backoff, std::optional<std::int64_t> retry_after_ms);

}  // namespace oneall::engine
