// The two passes that make import all-or-nothing without holding files in memory: check every
// file completely (printing every problem), and only when all are valid read them again and
// queue their jobs in one transaction. Shared by validate, import and run.
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

// Pass 1: reads each file, writes each problem to `err` as file:line:column: field: message,
// and returns what each file held. Valid when every problems count is zero.
std::vector<FileCheck> check_job_files(const std::vector<std::string>& paths,
                                       const jobfile::ReadOptions& options, std::ostream& err);

bool all_valid(const std::vector<FileCheck>& checks);

// Pass 2's reading, for any use: reads `path` again (checked by pass 1) and calls `visit` with
// each job, its rendered request and its "file:line", in file order. Stops at the first Error
// from `visit`, or when the file changed since pass 1 and now has a problem.
using RenderedJobVisitor = std::function<Status(
    const jobfile::JobRecord& job, const api::HttpRequest& request, const std::string& source)>;
Status for_each_rendered_job(const std::string& path, const jobfile::ReadOptions& options,
                             const RenderedJobVisitor& visit);

// Pass 2: queues every job of `paths` in one transaction. Fails (queuing nothing) if a file
// changed since pass 1 and now has a problem.
Result<store::ImportSummary> queue_job_files(store::Queue& queue,
                                             const std::vector<std::string>& paths,
                                             const jobfile::ReadOptions& options);

// "batch 3: 2000 new, 0 already queued" / "0 new, 2000 already queued (2000 succeeded): nothing
// to add", and a second line on how to bring back duplicates that are cancelled.
std::string describe_import(const store::ImportSummary& summary);

}  // namespace oneall::cli
