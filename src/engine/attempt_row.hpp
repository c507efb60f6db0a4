// One finished attempt's audit row (docs/formats.md): what was sent, what came back, and what the
// retry policy made of it. Credentials are scrubbed from every text that came from outside,
// should a server or proxy ever echo them, and that text is made valid UTF-8 so the JSON Lines
// and CSV exports stay valid whatever bytes a server sent.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <string>

#include "api/credentials.hpp"
#include "api/response.hpp"
#include "engine/in_flight_request.hpp"
#include "engine/retry_policy.hpp"
#include "store/records.hpp"
#include "util/clock.hpp"

namespace oneall::engine {

store::AttemptRecord attempt_row(std::int64_t run_id, const InFlightRequest& request,
                                 CURLcode result, const api::ApiStatus& api,
                                 const Decision& decision, EpochMs ended_at,
                                 const api::Credentials& credentials);

// `text` with every occurrence of the public or private key replaced by "[redacted]". Keys
// shorter than 6 characters are left alone: replacing them would mangle ordinary text.
std::string redact_credentials(std::string text, const api::Credentials& credentials);

// `text` with every byte that does not start a well-formed UTF-8 sequence replaced by U+FFFD.
// A body cut at the cap in the middle of a character ends in one replacement per cut byte.
std::string valid_utf8(std::string text);

}  // namespace oneall::engine
