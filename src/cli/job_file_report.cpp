#include "cli/job_file_report.hpp"

#include <fmt/format.h>

#include <optional>
#include <ostream>

#include "api/action_reader.hpp"
#include "jobfile/csv_writer.hpp"

namespace oneall::cli {

Status write_job_file_report(store::Queue& queue, const store::JobFilter& filter,
                             std::ostream& out) {
  out << jobfile::csv_job_file_header() << '\n';
  api::ActionReader reader;
  api::QueuedAction job;
  jobfile::JobFileRow row;
  std::optional<Error> refused;
  Status read = queue.for_each_job(filter, [&](const store::JobReportRow& stored) {
    if (refused) return;
    job.op = stored.op;
    job.target = stored.target;
    job.identity = stored.identity;
    job.page_id = stored.page_id;
    job.object_id = stored.object_id;
    job.request = stored.request;
    Result<api::Action> action = reader.read(job);
    if (!action) {
      refused = Error{fmt::format("job {} ({}) cannot be written as a job file row: {}",
                                  stored.job_id, stored.source, action.error().message)};
      return;
    }
    row.action = std::move(*action);
    row.schedule = {stored.not_before, stored.expires_at};
    out << jobfile::csv_job_file_row(row) << '\n';
  });
  if (!read) return read;
  if (refused) return *refused;
  return Ok{};
}

}  // namespace oneall::cli
