// Where `audit` and `report` write: stdout, or the --out file. A file is created readable by
// its owner only (0600), whatever the umask: it holds request bodies of users' accounts. It is
// written whole or not at all: the rows go to a new file beside the target (created with
// O_EXCL, so nothing of another's is opened), which takes the target's name only when complete.
// A file already at the target is refused unless the user said to replace it (--force); then
// the new file is renamed over it, so a symlink there is replaced, never written through, and
// the old file's owner and mode are not touched.
#pragma once

#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "util/file_descriptor.hpp"
#include "util/result.hpp"

namespace oneall::cli {

enum class ExistingFile { kRefuse, kReplace };
// kReadableByAll (0644) is for what holds no account data and another user must read: the
// metrics file node_exporter's textfile collector reads.
enum class FileAccess { kOwnerOnly, kReadableByAll };

// Whether writing to `path` would be refused: an Error naming the file and the way out (--force)
// when something (a file, a symlink, even a dangling one) is there and `existing` is kRefuse.
// Commands ask before doing any work, so a refusal is a usage error.
Status check_output_target(const std::string& path, ExistingFile existing);

class OutputFile {
 public:
  // `path` empty: writes go to `fallback` (stdout). Otherwise a new private file is created
  // beside `path`.
  static Result<std::unique_ptr<OutputFile>> open(const std::string& path, ExistingFile existing,
                                                  std::ostream& fallback,
                                                  FileAccess access = FileAccess::kOwnerOnly);

  std::ostream& stream() { return *out_; }
  // Flushes and, for a file, syncs it and gives it the target's name. An Error says writing
  // failed (disk full?) or the target appeared meanwhile, naming the file; the target is then
  // as it was.
  Status commit();

  OutputFile(std::ostream& fallback);  // use open()
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  ~OutputFile();  // an uncommitted new file is removed

 private:
  // The file's bytes, buffered, written with write(2) to a descriptor this owns.
  class FileBuffer final : public std::streambuf {
   public:
    explicit FileBuffer(FileDescriptor fd);
    bool failed() const { return failed_; }
    bool close();  // flushes; false when any write or the close failed

   protected:
    int_type overflow(int_type ch) override;
    int sync() override;

   private:
    bool flush_buffer();
    FileDescriptor fd_;
    std::vector<char> buffer_;
    bool failed_ = false;
  };

  std::string path_;       // the target
  std::string temp_path_;  // the new file, until it takes the target's name
  ExistingFile existing_ = ExistingFile::kRefuse;
  std::unique_ptr<FileBuffer> buffer_;
  std::unique_ptr<std::ostream> file_stream_;
  std::ostream* out_;
};

}  // namespace oneall::cli
