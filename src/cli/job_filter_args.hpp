// The values of the job filter options (docs/cli.md#choosing-jobs): a list of states
// (`failed,dead`) and an HTTP status (`404`) or class (`5xx`). Pure, so every accepted and
// refused spelling is unit-tested; each Error says what was wrong and what is accepted.
#pragma once

#include <string_view>
#include <vector>

#include "store/records.hpp"
#include "util/result.hpp"

namespace oneall::cli {

// States separated by commas, each one of `allowed` (the states the command acts on); a state
// named twice counts once.
Result<std::vector<store::JobState>> parse_state_list(std::string_view text,
                                                      const std::vector<store::JobState>& allowed);

// A status code from 100 to 599 (`404`), or a class (`4xx`, `5XX`): all of its codes.
Result<store::HttpStatusRange> parse_http_status(std::string_view text);

}  // namespace oneall::cli
