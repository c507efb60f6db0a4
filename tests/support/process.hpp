// Runs the real oneall-bulk binary (or another program) for black-box tests: arguments in, exit
// code and both output streams out, with a time limit so a hung child fails the test instead of
// the suite.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace oneall::testing {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal or the time limit
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Runs ONEALL_BINARY with `args`; `env` entries are added to (or replace in) the environment.
ProcessResult run_oneall(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {},
                         std::chrono::seconds limit = std::chrono::seconds(120));

// The same, run from the directory `dir`: for what a user does in one folder, where the
// defaults (./oneall-bulk.db, ./oneall-bulk-sandbox.db) are relative to it.
ProcessResult run_oneall_in(const std::string& dir, const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env = {},
                            std::chrono::seconds limit = std::chrono::seconds(120));

// Runs another program: argv[0] is its path (no PATH search). The child and whatever it starts
// are one process group, all killed at the time limit (a browser's helpers, say).
ProcessResult run_program(const std::vector<std::string>& argv,
                          std::chrono::seconds limit = std::chrono::seconds(120));

}  // namespace oneall::testing
