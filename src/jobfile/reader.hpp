// Reading job files (docs/formats.md). They stream: each valid record is handed to the sink as soon
// as it is read, so memory does not grow with the file. Every problem found is returned, not
// only the first; a file with any problem must queue nothing (the caller queues in one
// transaction and rolls it back, cli/job_file_import.hpp).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jobfile/job_record.hpp"

namespace oneall::jobfile {

struct ReadOptions {
  // Identity for CSV rows without an identity column or cell (`--identity`).
  std::optional<std::string> identity;
};

using RecordSink = std::function<void(JobRecord&& record)>;

enum class Format { kYaml, kCsv };

// By extension: .yaml/.yml or .csv (case-insensitive); nullopt otherwise.
std::optional<Format> format_for_path(const std::string& path);

// Reads one file in the format its extension names. Records that pass api::validate() go to
// the sink (possibly none); the return value lists every problem, empty when the file is valid.
std::vector<Diagnostic> read_job_file(const std::string& path, const ReadOptions& options,
                                      const RecordSink& sink);

// The same, for one format, from a file path (used by read_job_file and the tests).
std::vector<Diagnostic> read_yaml_file(const std::string& path, const ReadOptions& options,
                                       const RecordSink& sink);
std::vector<Diagnostic> read_csv_file(const std::string& path, const ReadOptions& options,
                                      const RecordSink& sink);

// The same readers over text already in memory (the fuzzers use them); `name` stands for the
// file in messages.
std::vector<Diagnostic> read_yaml_text(std::string_view text, const std::string& name,
                                       const ReadOptions& options, const RecordSink& sink);
std::vector<Diagnostic> read_csv_text(std::string_view text, const std::string& name,
                                      const ReadOptions& options, const RecordSink& sink);

}  // namespace oneall::jobfile
