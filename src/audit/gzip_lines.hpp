// Lines of text in a gzip file, through zlib (docs/formats.md#archives): the archive `prune`
// writes and `audit verify --archive` reads. GzipLineWriter writes a new file and syncs it before
// it says it is done; GzipLineReader hands back one line at a time, however long, and tells a
// file cut short from one that ended. Each owns its zlib handle (and the writer its descriptor).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/file_descriptor.hpp"
#include "util/result.hpp"

struct gzFile_s;

namespace oneall::audit {

struct GzipCloser {
  void operator()(gzFile_s* file) const;
};

class GzipLineWriter {
 public:
  // Creates (or truncates) `path`, readable by its owner only: it holds request bodies.
  static Result<GzipLineWriter> create(const std::string& path);
  Status write_line(std::string_view line);  // `line` and a newline
  // Ends the gzip stream and fsyncs the file; the writer is done after it.
  Status close();

 private:
  GzipLineWriter(std::string path, FileDescriptor fd, gzFile_s* gz);
  std::string path_;
  FileDescriptor fd_;  // for fsync: zlib closes its own duplicate
  std::unique_ptr<gzFile_s, GzipCloser> gz_;
};

class GzipLineReader {
 public:
  static Result<GzipLineReader> open(const std::string& path);
  // The next line without its newline; nullopt at the end of the file. An Error when the file
  // is not gzip or its stream is cut short or damaged.
  Result<std::optional<std::string>> next_line();

 private:
  GzipLineReader(std::string path, gzFile_s* gz);
  std::string path_;
  std::unique_ptr<gzFile_s, GzipCloser> gz_;
  std::string buffer_;
  std::size_t start_ = 0;
  bool at_end_ = false;
};

// fsync of a folder, so that a rename in it survives a crash.
Status sync_folder_of(const std::string& path);

}  // namespace oneall::audit
