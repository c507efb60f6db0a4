// What execve(2) needs, built before fork so the child calls nothing but async-signal-safe
// functions: the environment with some entries added or replaced, and NULL-ended pointer arrays.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace oneall::testing {

// This process's environment, with `extra` added to (or replacing in) it.
std::vector<std::string> environment_with(const std::map<std::string, std::string>& extra);

// Pointers into `strings` (which must outlive them), then nullptr.
std::vector<char*> exec_pointers(std::vector<std::string>& strings);

}  // namespace oneall::testing
