#include "cli/dry_run.hpp"

#include <fmt/format.h>

#include <ostream>

#include "cli/exit_codes.hpp"
#include "cli/job_files.hpp"
#include "util/text.hpp"

namespace oneall::cli {

std::string format_dry_run_request(const DryRunRequest& r, bool json) {
  if (json) {
    return fmt::format(R"({{"method":{},"path":{},"body":{},"source":{}{}}})",
                       json_string(r.method), json_string(r.path), json_string(r.body),
                       json_string(r.source),
                       r.job_id ? fmt::format(R"(,"job_id":{})", *r.job_id) : std::string());
  }
  std::string line = r.method + ' ' + r.path;
  if (!r.body.empty()) line += ' ' + r.body;
  if (!r.source.empty()) line += "  # " + r.source;
  return line;
}

int dry_run_files(const std::vector<std::string>& files, const jobfile::ReadOptions& options,
                  bool json, Streams streams) {
  std::int64_t count = 0;
  for (const auto& path : files) {
    Status printed = for_each_rendered_job(
        path, options,
        [&](const jobfile::JobRecord&, const api::HttpRequest& request,
            const std::string& source) -> Status {
          streams.out << format_dry_run_request(
                             {request.method, request.path, request.body, source, std::nullopt},
                             json)
                      << '\n';
          ++count;
          return Ok{};
        });
    if (!printed) {
      streams.err << printed.error().message << '\n';
      return kExitStorage;
    }
  }
  streams.err << fmt::format(
      "dry run: {} request(s) from the files, including any already queued; nothing was queued "
      "or sent\n",
      count);
  return kExitOk;
}

int dry_run_queue(store::Queue& queue, std::optional<std::int64_t> batch, bool json,
                  Streams streams) {
  std::int64_t count = 0;
  auto walked = queue.for_each_pending(batch, [&](const store::PendingRequest& p) {
    DryRunRequest request{p.method, p.path, p.body, p.source, p.job_id};
    streams.out << format_dry_run_request(request, json) << '\n';
    ++count;
  });
  if (!walked) {
    streams.err << walked.error().message << '\n';
    return kExitStorage;
  }
  streams.err << fmt::format("dry run: {} pending request(s){}; nothing was sent or changed\n",
                             count, batch ? fmt::format(" in batch {}", *batch) : std::string());
  return kExitOk;
}

}  // namespace oneall::cli
