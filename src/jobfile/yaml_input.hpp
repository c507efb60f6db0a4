// What yaml-cpp's parser reads a YAML job file through: a std::streambuf over the file, filled
// in fixed-size chunks, so that a file of any size is never held whole. Every byte also goes
// through the scan for a second document (yaml_document_markers.hpp); after the parser is done
// with the first document, drain() reads the rest for that scan alone. A read error ends the
// input and is kept for the reader to report.
//
// The last two chunks stay at hand so that the reader can start a fresh parser a little back
// in the file (rewind_to): yaml-cpp 0.7's scanner keeps some bytes for every block map it
// opens until its document ends, and a fresh parser now and then is what keeps memory flat.
#pragma once

#include <cstddef>
#include <optional>
#include <streambuf>
#include <string>
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

  // Whether yaml-cpp's marks count the file's bytes one for one (plain UTF-8 without a
  // byte-order mark, no directive lines): only then can a mark be turned into a file offset.
  bool marks_are_offsets() const;

  // Whether the bytes at file offset `offset` are still at hand and start with `expected`.
  bool holds_at(std::size_t offset, std::string_view expected) const;
  // Serves `prefix`, then the file from `offset` on, to the next reader of the stream. Only for
  // an offset holds_at() accepted.
  void rewind_to(std::size_t offset, std::string_view prefix);

 protected:
  int_type underflow() override;

 private:
  // Up to kChunkBytes more bytes into `into`; 0 at the end (or after a read error).
  std::size_t next_chunk(char* into);

  std::optional<InputFile> file_;
  std::string_view text_;
  // The last two chunks read: file offsets [previous_start_, current_start_ + current_.size()).
  std::vector<char> previous_;
  std::vector<char> current_;
  std::vector<char> spare_;  // the next chunk, read before the others move
  std::size_t previous_start_ = 0;
  std::size_t current_start_ = 0;
  std::size_t read_bytes_ = 0;
  std::string replay_;  // what rewind_to() serves before the next chunk
  char first_bytes_[2] = {};
  DocumentMarkerScan markers_;
  std::optional<Error> read_error_;
  bool ended_ = false;
};

}  // namespace oneall::jobfile
