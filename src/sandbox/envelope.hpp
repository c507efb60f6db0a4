// The JSON bodies the sandbox answers with, shaped as API.md documents them: every answer has
// the response.request envelope (date, resource, status); a success adds result.data.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "sandbox/route.hpp"

namespace oneall::sandbox {

// "Mon, 04 Nov 2019 16:12:58 +0000"
std::string rfc2822_date(std::time_t when);

std::string success_body(std::string_view resource, std::string_view date,
                         std::string_view data_json);
std::string error_body(std::string_view resource, std::string_view date, int code,
                       std::string_view info);

// result.data for an answered route: provider, object, {object}_id, and the fields an update set.
std::string result_data(const Route& route, std::string_view fields_json);

}  // namespace oneall::sandbox
