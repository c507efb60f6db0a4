// The long options a `--help` text lists in its "Options:" block, for tests that hold the help
// against something else (the option table of help_table_e2e_test, the man page).
#pragma once

#include <set>
#include <string>

namespace oneall::testing {

// From lines "  -h,--help ..." / "  --db TEXT ...": every long option but --help.
std::set<std::string> listed_options(const std::string& help);

}  // namespace oneall::testing
