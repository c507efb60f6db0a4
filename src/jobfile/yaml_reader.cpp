// read_yaml_file and read_yaml_text: yaml-cpp's event parser reads the file through YamlInput in
// fixed-size chunks, and YamlDocumentReader builds and hands on one job at a time, so memory
// does not grow with the number of jobs; every kYamlJobsPerParser jobs a fresh parser takes
// over (yaml_stream.hpp says why). Only the first document is parsed; a second one is found by
// its marker line (yaml_document_markers.hpp).
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <string_view>
#include <vector>

#include "jobfile/diagnostic_list.hpp"
#include "jobfile/input_file.hpp"
#include "jobfile/reader.hpp"
#include "jobfile/yaml_document_reader.hpp"
#include "jobfile/yaml_input.hpp"
#include "jobfile/yaml_node.hpp"
#include "jobfile/yaml_stream.hpp"

namespace oneall::jobfile {
namespace {

std::vector<Diagnostic> read_yaml(YamlInput& input, const std::string& name,
                                  const ReadOptions& options, const RecordSink& sink,
                                  std::size_t jobs_per_parser) {
  std::istream stream(&input);
  YamlDocumentReader reader(name, options, sink, &input, jobs_per_parser);
  std::optional<YAML::Exception> syntax_error;
  bool has_document = false;
  while (true) {
    try {
      YAML::Parser parser(stream);
      has_document = parser.HandleNextDocument(reader);
    } catch (const YamlRestart& restart) {
      input.rewind_to(restart.offset, YamlDocumentReader::kRestartPrefix);
      stream.clear();
      reader.resume_after(restart);
      continue;
    } catch (const YAML::Exception& error) {
      syntax_error = error;
      syntax_error->mark = reader.in_file(error.mark);
    }
    break;
  }
  input.drain();

  DiagnosticList out(name);
  if (input.read_error()) {
    out.add_file_problem(input.read_error()->message);
    return std::move(out).take();
  }
  // Jobs after a `---` would otherwise be silently ignored.
  if (const std::size_t line = input.second_document_line(); line != 0) {
    out.add(out.at(line, 1), "",
            "a job file holds one YAML document; this is a second one (remove the `---`)");
  }
  // A file that does not parse is that one problem: what was read before it may be misread.
  if (syntax_error) {
    out.add(position(out, syntax_error->mark), "", "YAML syntax error: " + syntax_error->msg);
    return std::move(out).take();
  }
  if (!has_document || reader.document_is_null()) {
    if (out.count() == 0) {
      out.add_file_problem("the file is empty: expected a map with a `jobs` list");
    }
    return std::move(out).take();
  }
  std::move(reader).move_problems_into(out);
  return std::move(out).take();
}

}  // namespace

std::vector<Diagnostic> read_yaml_text(std::string_view text, const std::string& name,
                                       const ReadOptions& options, const RecordSink& sink) {
  return read_yaml_text_restarting(text, name, options, sink, kYamlJobsPerParser);
}

std::vector<Diagnostic> read_yaml_text_restarting(std::string_view text, const std::string& name,
                                                  const ReadOptions& options,
                                                  const RecordSink& sink,
                                                  std::size_t jobs_per_parser) {
  YamlInput input(text);
  return read_yaml(input, name, options, sink, jobs_per_parser);
}

std::vector<Diagnostic> read_yaml_file(const std::string& path, const ReadOptions& options,
                                       const RecordSink& sink) {
  Result<InputFile> file = InputFile::open(path);
  if (!file) {
    DiagnosticList out(path);
    out.add_file_problem(file.error().message);
    return std::move(out).take();
  }
  YamlInput input(std::move(*file));
  return read_yaml(input, path, options, sink, kYamlJobsPerParser);
}

}  // namespace oneall::jobfile
