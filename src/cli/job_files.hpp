// Checking job files without queuing anything (validate, and run before it touches the queue),
// and queuing files already checked (run). `import` checks and queues in one pass
// (cli/job_file_import.hpp).
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "api/action.hpp"
#include "jobfile/reader.hpp"
#include "store/queue.hpp"
#include "util/result.hpp"

namespace oneall::cli {

struct FileCheck {
  std::string path;
  std::size_t jobs = 0;
  std::size_t problems = 0;
};

// Reads each file, writes each problem to `err` as file:line:column: field: message,
// and returns what each file held. Valid when every problems count is zero.
std::vector<FileCheck> check_job_files(const std::vector<std::string>& paths,
                                       const jobfile::ReadOptions& options, std::ostream& err);

bool all_valid(const std::vector<FileCheck>& checks);

// A checked job's request and its "file:line" (jobs.source): an Error naming that place when
// the job passed its checks and still cannot be rendered.
struct RenderedJob {
  api::HttpRequest request;
  std::string source;
};
Result<RenderedJob> render_job(const jobfile::JobRecord& record);

// Reads `path` (checked already) and calls `visit` with each job, its rendered request and its
// "file:line", in file order. Stops at the first Error from `visit`, or when the file changed
// since it was checked and now has a problem.
using RenderedJobVisitor = std::function<Status(
    const jobfile::JobRecord& job, const api::HttpRequest& request, const std::string& source)>;
Status for_each_rendered_job(const std::string& path, const jobfile::ReadOptions& options,
                             const RenderedJobVisitor& visit);

// Queues every job of `paths` (checked already) in one transaction. Fails (queuing nothing) if a
// file changed since it was checked and now has a problem.
Result<store::ImportSummary> queue_job_files(store::Queue& queue,
                                             const std::vector<std::string>& paths,
                                             const jobfile::ReadOptions& options);

// "batch 3: 2000 new, 0 already queued" / "0 new, 2000 already queued (2000 succeeded): nothing
// to add", and a second line on how to bring back duplicates that are cancelled.
std::string describe_import(const store::ImportSummary& summary);

}  // namespace oneall::cli
