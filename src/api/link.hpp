// The check applied to every `link` a job sets: an absolute http(s) URL with a host and
// nothing a browser would have to guess at (no spaces or control bytes), in UTF-8.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace oneall::api {

// nullopt when acceptable, else what is wrong.
std::optional<std::string> check_link(std::string_view link);

}  // namespace oneall::api
