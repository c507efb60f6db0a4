// What yaml-cpp's parser reads a YAML job file through: a std::streambuf over the file, filled
// in fixed-size chunks, so that a file of any size is never held whole. Every byte also goes
// through the scan for a second document (yaml_document_markers.hpp); after the parser is done
// with the first document, drain() reads the rest for that scan alone. A read error ends the
// input and is kept for the reader to report.
#pragma once

#include <optional>
#include <streambuf>
#include <string_view>
#include <vector>

#include "jobfile/input_file.hpp"
#include "jobfile/yaml_document_markers.hpp"
#include "util/result.hpp"

namespace oneall::jobfile {

class YamlInput : public std::streambuf {
 public:
  explicit YamlInput(InputFile file);
  // Text already in memory (the fuzzers'), served in the same chunks.
  explicit YamlInput(std::string_view text);

  // Reads the input to its end for the marker scan (stops early once a marker is found).
  void drain();

  std::size_t second_document_line() const { return markers_.second_document_line(); }
  const std::optional<Error>& read_error() const { return read_error_; }

 protected:
  int_type underflow() override;

 private:
  // Up to kChunkBytes more bytes into `into`; 0 at the end (or after a read error).
  std::size_t next_chunk(char* into);

  std::optional<InputFile> file_;
  std::string_view text_;
  std::vector<char> buffer_;
  DocumentMarkerScan markers_;
  std::optional<Error> read_error_;
  bool ended_ = false;
};

}  // namespace oneall::jobfile
