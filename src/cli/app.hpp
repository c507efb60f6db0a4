// The command line: builds the CLI11 application with one subcommand per file of src/cli/,
// runs the chosen one, and turns every outcome into one of the exit codes (docs/cli.md#exit-codes).
#pragma once

namespace oneall::cli {

int run_main(int argc, char** argv);

}  // namespace oneall::cli
