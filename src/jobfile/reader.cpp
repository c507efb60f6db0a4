// format_for_path and read_job_file: choosing a reader by the file's extension.
#include "jobfile/reader.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

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
  // What the path is comes before what its name says: a mistyped name or a directory is not
  // a question of format.
  DiagnosticList out(path);
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    out.add_file_problem(std::string("cannot open: ") + std::strerror(errno));
    return std::move(out).take();
  }
  if (S_ISDIR(info.st_mode)) {
    out.add_file_problem("is a directory (expected a .yaml, .yml or .csv job file)");
    return std::move(out).take();
  }
  const std::optional<Format> format = format_for_path(path);
  if (!format) {
    out.add_file_problem("unknown job file format: expected a .yaml, .yml or .csv file");
    return std::move(out).take();
  }
  // Each reader reports a file it cannot open as "cannot open: <strerror>" too (permissions,
  // or a file removed since).
  return *format == Format::kYaml ? read_yaml_file(path, options, sink)
                                  : read_csv_file(path, options, sink);
}

}  // namespace oneall::jobfile
