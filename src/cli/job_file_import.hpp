// Import of job files in one pass over them (bench/README.md, "import"): a second thread reads,
// checks and renders the jobs while the calling thread queues them, all in one transaction that
// any problem in any file, or any failure of the store, rolls back. Shared by import and run.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "jobfile/reader.hpp"
#include "store/queue.hpp"
#include "util/result.hpp"

namespace oneall::cli {

struct JobFilesImport {
  // Problems found in the files, each written out as `validate` writes it. When there is any,
  // nothing was queued and `queued` holds an Error that says so.
  std::size_t problems = 0;
  Result<store::ImportSummary> queued = Error{""};
};

// Reads `paths` in order and queues their jobs as one batch. Every problem of every file goes to
// `problems_out`, file by file, once the reading is done.
JobFilesImport import_job_files(store::Queue& queue, const std::vector<std::string>& paths,
                                const jobfile::ReadOptions& options, std::ostream& problems_out);

}  // namespace oneall::cli
