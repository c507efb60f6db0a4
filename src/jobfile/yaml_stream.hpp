// The YAML reader behind read_yaml_file and read_yaml_text, with how often it hands the rest of
// the file to a fresh yaml-cpp parser as a parameter: yaml-cpp 0.7's scanner keeps a few dozen
// bytes for every block map it opens (even the one a flow map a job is taken for at first)
// until its document ends, so a parser kept for a million jobs grows by tens of MiB. A fresh
// parser takes over at the start of a job line, after a `jobs:` line of its own, and gives the
// same events. Tests read with a restart at every job to show that it changes nothing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "jobfile/reader.hpp"

namespace oneall::jobfile {

inline constexpr std::size_t kYamlJobsPerParser = 16384;

std::vector<Diagnostic> read_yaml_text_restarting(std::string_view text, const std::string& name,
                                                  const ReadOptions& options,
                                                  const RecordSink& sink,
                                                  std::size_t jobs_per_parser);

}  // namespace oneall::jobfile
