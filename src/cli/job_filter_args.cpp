#include "cli/job_filter_args.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace oneall::cli {
namespace {

std::string names_of(const std::vector<store::JobState>& states) {
  std::string list;
  for (store::JobState state : states) {
    if (!list.empty()) list += ", ";
    list += store::state_name(state);
  }
  return list;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<std::vector<store::JobState>> parse_state_list(std::string_view text,
                                                      const std::vector<store::JobState>& allowed) {
  const std::string expected =
      allowed.size() == 1
          ? fmt::format("expected {}", store::state_name(allowed[0]))
          : fmt::format("expected {}, or several separated by commas such as {},{}",
                        names_of(allowed), store::state_name(allowed[allowed.size() - 2]),
                        store::state_name(allowed.back()));
  std::vector<store::JobState> states;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view name = text.substr(start, comma - start);
    const std::optional<store::JobState> state = store::parse_state(name);
    if (name.empty()) {
      return Error{fmt::format("'{}' names no state between its commas ({})", text, expected)};
    }
    if (!state || std::find(allowed.begin(), allowed.end(), *state) == allowed.end()) {
      return Error{fmt::format("'{}' is not {} ({})", name,
                               state ? "a state this command acts on" : "a job state", expected)};
    }
    if (std::find(states.begin(), states.end(), *state) == states.end()) states.push_back(*state);
    if (comma == text.size()) return states;
    start = comma + 1;
  }
}

Result<store::HttpStatusRange> parse_http_status(std::string_view text) {
  const auto refuse = [&] {
    return Error{fmt::format(
        "'{}' is not an HTTP status (expected a code from 100 to 599 such as 404, or a class "
        "such as 4xx or 5xx)",
        text)};
  };
  if (text.size() != 3 || text[0] < '1' || text[0] > '5') return refuse();
  const int hundreds = (text[0] - '0') * 100;
  const auto is_x = [](char c) { return c == 'x' || c == 'X'; };
  if (is_x(text[1]) && is_x(text[2])) return store::HttpStatusRange{hundreds, hundreds + 99};
  if (!is_digit(text[1]) || !is_digit(text[2])) return refuse();
  const int code = hundreds + (text[1] - '0') * 10 + (text[2] - '0');
  return store::HttpStatusRange{code, code};
}

}  // namespace oneall::cli
