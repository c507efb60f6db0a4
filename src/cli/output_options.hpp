// --out FILE and --force, as `report` and `audit` take them: where the rows go (stdout when no
// file is named) and whether a file already there may be replaced (output_file.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/output_file.hpp"

namespace oneall::cli {

struct OutputOptions {
  std::string path;  // empty: stdout
  bool force = false;

  void add_to(CLI::App& sub) {
    sub.add_option("--out", path,
                   "Write to this new file (mode 0600) instead of stdout; an existing one is "
                   "refused unless --force");
    sub.add_flag("--force", force,
                 "With --out: replace an existing file (the new one is renamed over it; a "
                 "symlink there is replaced, not followed)")
        ->needs("--out");
  }
  ExistingFile existing() const { return force ? ExistingFile::kReplace : ExistingFile::kRefuse; }
};

}  // namespace oneall::cli
