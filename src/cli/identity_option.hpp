// The --identity option of `validate`, `import` and `run`: the identity token for CSV rows that
// have none. It is checked as a UUID when the command line is parsed, so a bad token is one
// usage error about the flag (exit 2) before any file is read, not a problem blamed on every
// row of every file.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace oneall::cli {

CLI::Option* add_identity_option(CLI::App& sub, std::string& identity);

}  // namespace oneall::cli
