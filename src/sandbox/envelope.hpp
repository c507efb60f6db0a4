// The JSON bodies the sandbox answers with, as docs/api.md#responses shows them: every answer has
// the response.request envelope (date, resource, status); a success adds result.data, an error
// has no result. Pure: the caller passes the date, so tests pin every byte.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "sandbox/route.hpp"
#include "sandbox/update_body.hpp"

namespace oneall::sandbox {

// "Mon, 04 Nov 2019 16:12:58 +0100": `when` in local time, as OneAll dates its answers.
std::string rfc2822_date(std::time_t when);
// The same from a broken-down time and its offset east of UTC in seconds. English day and
// month names whatever the process locale.
std::string format_rfc2822(const std::tm& local, long utc_offset_seconds);

// The requested path as "resource" echoes it: bytes that are not printable ASCII are
// percent-encoded, so the answer stays valid UTF-8 JSON whatever the client sent.
std::string printable_resource(std::string_view path);

std::string success_body(std::string_view resource, std::string_view date,
                         std::string_view data_json);
std::string error_body(std::string_view resource, std::string_view date, int code,
                       std::string_view info);

// result.data for an answered route, as in docs/api.md#responses: provider, object, {object}_id
// (and page_id under a page), then {object}_{field} for each field an update set.
std::string result_data(const Route& route, const UpdateFields& fields);

}  // namespace oneall::sandbox
