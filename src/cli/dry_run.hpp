// `run --dry-run` (docs/cli.md#run): prints each request a run would send — method, path and body,
// never credentials — one per line on stdout, in order, and sends nothing and changes nothing.
// With job files: their requests, in file order, without queuing them (the files are checked
// first by the caller). Without: the queue's pending jobs in scope, in the order runs claim them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "jobfile/reader.hpp"
#include "store/queue.hpp"

namespace oneall::cli {

struct DryRunRequest {
  std::string method;
  std::string path;
  std::string body;                    // empty for DELETE
  std::string source;                  // "file:line"
  std::optional<std::int64_t> job_id;  // for queued jobs
};

// "PUT /update/…/pin/1.json {"request":…}  # jobs.yaml:4" (text) or one JSON object (json).
std::string format_dry_run_request(const DryRunRequest& request, bool json);

// Both return an exit code: 0, or kExitStorage with the reason on streams.err.
int dry_run_files(const std::vector<std::string>& files, const jobfile::ReadOptions& options,
                  bool json, Streams streams);
int dry_run_queue(store::Queue& queue, std::optional<std::int64_t> batch, bool json,
                  Streams streams);

}  // namespace oneall::cli
