// format_for_path and read_job_file: choosing a reader by the file's extension.
#include "jobfile/reader.hpp"

#include <algorithm>
#include <cctype>

#include "jobfile/diagnostic_list.hpp"

namespace oneall::jobfile {

std::optional<Format> format_for_path(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  const std::size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return std::nullopt;
  std::string extension = path.substr(dot + 1);
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == "yaml" || extension == "yml") return Format::kYaml;
  if (extension == "csv") return Format::kCsv;
  return std::nullopt;
}

std::vector<Diagnostic> read_job_file(const std::string& path, const ReadOptions& options,
                                      const RecordSink& sink) {
  const std::optional<Format> format = format_for_path(path);
  if (!format) {
    DiagnosticList out(path);
    out.add_file_problem("unknown job file format: expected a .yaml, .yml or .csv file");
    return std::move(out).take();
  }
  // Each reader reports a file it cannot open as "cannot open: <strerror>".
  return *format == Format::kYaml ? read_yaml_file(path, options, sink)
                                  : read_csv_file(path, options, sink);
}

}  // namespace oneall::jobfile
