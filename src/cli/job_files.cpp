#include "cli/job_files.hpp"

#include <fmt/format.h>

#include <ostream>
#include <sstream>

#include "cli/job_file_import.hpp"

namespace oneall::cli {

std::vector<FileCheck> check_job_files(const std::vector<std::string>& paths,
                                       const jobfile::ReadOptions& options, std::ostream& err) {
  std::vector<FileCheck> checks;
  for (const auto& path : paths) {
    FileCheck check{path};
    const auto problems =
        jobfile::read_job_file(path, options, [&](jobfile::JobRecord&&) { ++check.jobs; });
    for (const auto& problem : problems) err << problem.to_string() << '\n';
    check.problems = problems.size();
    checks.push_back(check);
  }
  return checks;
}

bool all_valid(const std::vector<FileCheck>& checks) {
  for (const auto& check : checks) {
    if (check.problems > 0) return false;
  }
  return true;
}

Result<RenderedJob> render_job(const jobfile::JobRecord& record) {
  std::string source = fmt::format("{}:{}", record.pos.file, record.pos.line);
  auto request = api::render(record.action);
  if (!request) return Error{fmt::format("{}: {}", source, request.error().message)};
  return RenderedJob{std::move(*request), std::move(source)};
}

Status for_each_rendered_job(const std::string& path, const jobfile::ReadOptions& options,
                             const RenderedJobVisitor& visit) {
  std::optional<Error> failure;
  const auto problems = jobfile::read_job_file(path, options, [&](jobfile::JobRecord&& record) {
    if (failure) return;
    auto rendered = render_job(record);
    if (!rendered) {
      failure = rendered.error();
      return;
    }
    if (Status visited = visit(record, rendered->request, rendered->source); !visited) {
      failure = visited.error();
    }
  });
  if (!problems.empty()) {
    return Error{fmt::format("{} changed since it was checked and is no longer valid ({})", path,
                             problems.front().to_string())};
  }
  if (failure) return *failure;
  return Ok{};
}

Result<store::ImportSummary> queue_job_files(store::Queue& queue,
                                             const std::vector<std::string>& paths,
                                             const jobfile::ReadOptions& options) {
  std::ostringstream problems;
  auto imported = import_job_files(queue, paths, options, problems);
  if (imported.problems > 0) {
    const std::string text = problems.str();
    return Error{fmt::format(
        "a job file changed since it was checked and is no longer valid ({}); nothing was queued",
        text.substr(0, text.find('\n')))};
  }
  return std::move(imported.queued);
}

std::string describe_import(const store::ImportSummary& summary) {
  std::string states;
  for (store::JobState state : store::kAllJobStates) {
    auto it = summary.duplicates_by_state.find(state);
    if (it == summary.duplicates_by_state.end() || it->second == 0) continue;
    states +=
        fmt::format("{}{} {}", states.empty() ? "" : ", ", it->second, store::state_name(state));
  }
  if (!states.empty()) states = " (" + states + ")";
  std::string text =
      summary.new_jobs == 0
          ? fmt::format("0 new, {} already queued{}: nothing to add", summary.duplicates, states)
          : fmt::format("batch {}: {} new, {} already queued{}", summary.batch_id, summary.new_jobs,
                        summary.duplicates, states);
  // Queued, but never to be sent unless brought back: say so, and how.
  if (auto it = summary.duplicates_by_state.find(store::JobState::kCancelled);
      it != summary.duplicates_by_state.end() && it->second > 0) {
    text += fmt::format(
        "\n{} of the jobs already queued are cancelled and will not be sent: `oneall-bulk retry "
        "--state cancelled` brings them back to pending (add --batch ID or --job ID to take only "
        "some; `oneall-bulk report --state cancelled` lists them)",
        it->second);
  }
  return text;
}

}  // namespace oneall::cli
