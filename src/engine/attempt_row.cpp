#include "engine/attempt_row.hpp"

#include <string_view>

#include "util/text.hpp"

namespace oneall::engine {
namespace {

constexpr std::size_t kMinRedactedLength = 6;
constexpr std::string_view kRedacted = "[redacted]";
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

void replace_all(std::string& text, std::string_view secret) {
  if (secret.size() < kMinRedactedLength) return;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + kRedacted.size())) {
    text.replace(at, secret.size(), kRedacted);
  }
}

}  // namespace

std::string valid_utf8(std::string text) {
  std::string_view rest(text);
  std::size_t at = first_invalid_utf8(rest);
  if (at == rest.size()) return text;
  std::string valid;
  valid.reserve(text.size() + 2 * kReplacementCharacter.size());
  for (; at != rest.size(); at = first_invalid_utf8(rest)) {
    valid.append(rest.substr(0, at)).append(kReplacementCharacter);
    rest.remove_prefix(at + 1);
  }
  return valid.append(rest);
}

std::string redact_credentials(std::string text, const api::Credentials& credentials) {
  replace_all(text, credentials.private_key);
  replace_all(text, credentials.public_key);
  return text;
}

store::AttemptRecord attempt_row(std::int64_t run_id, const InFlightRequest& request,
                                 CURLcode result, const api::ApiStatus& api,
                                 const Decision& decision, EpochMs ended_at,
                                 const api::Credentials& credentials) {
  const store::ClaimedJob& job = request.job();
  store::AttemptRecord row;
  row.run_id = run_id;
  row.job_id = job.job_id;
  row.attempt = job.attempt;
  row.started_at = request.started_at();
  row.ended_at = ended_at;
  row.method = job.method;
  row.path = job.path;
  row.request_body = job.body;
  row.http_status = request.http_status();
  row.curl_error = valid_utf8(redact_credentials(request.transport_error(result), credentials));
  row.retry_after = valid_utf8(redact_credentials(request.retry_after(), credentials));
  row.api_flag = valid_utf8(redact_credentials(api.flag, credentials));
  row.api_code = api.code;
  row.api_info = valid_utf8(redact_credentials(api.info, credentials));
  row.response_body = valid_utf8(redact_credentials(request.response_body(), credentials));
  row.response_truncated = request.response_truncated();
  row.requests_sent = request.times_sent();
  row.outcome = decision.outcome;
  row.note = decision.note;
  return row;
}

}  // namespace oneall::engine
