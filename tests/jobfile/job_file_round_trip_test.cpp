// `report --format jobfile`'s promise, as a property over the seeded generator of
// generated_jobs.hpp (every target and op, awkward text: quotes, commas, line breaks, spaces at
// the ends, non-ASCII): every job the YAML reader accepts, once queued (rendered), is read back
// from its request (api::ActionReader) as the same Action, written as a CSV job file row
// (csv_writer.hpp) that the CSV reader takes as it is, and read from that file as the same
// Action again: the same request, so the same job key.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "api/action_reader.hpp"
#include "generated_jobs.hpp"
#include "jobfile/csv_writer.hpp"
#include "jobfile/reader.hpp"

namespace oneall::jobfile {
namespace {

constexpr std::uint64_t kSeeds[] = {1, 2, 3, 20};
constexpr std::size_t kFilesPerSeed = 400;

api::QueuedAction queued(const api::Action& action, const api::HttpRequest& request) {
  api::QueuedAction job;
  job.op = std::string(api::op_name(action.op));
  job.target = std::string(api::target_name(action.target));
  job.identity = action.identity;
  job.page_id = action.page_id;
  job.object_id = action.object_id;
  job.request = request;
  return job;
}

TEST(JobFileRoundTripTest, EveryAcceptedJobComesBackThroughACsvJobFileAsTheSameJob) {
  api::ActionReader reader;
  std::map<std::string, std::size_t> tally;  // "update pinterest.pin" -> jobs checked
  for (std::uint64_t seed : kSeeds) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    testing::JobGenerator generator(seed);
    for (std::size_t n = 0; n < kFilesPerSeed && !HasFatalFailure(); ++n) {
      const testing::GeneratedFile file = testing::yaml_file(generator, 1 + generator.pick(4));
      std::vector<JobRecord> given;
      (void)read_yaml_text(file.text, "gen.yaml", {},
                           [&](JobRecord&& r) { given.push_back(std::move(r)); });
      if (given.empty()) continue;

      std::string csv = csv_job_file_header() + "\n";
      std::vector<api::HttpRequest> requests;
      for (const JobRecord& record : given) {
        Result<api::HttpRequest> request = api::render(record.action);
        ASSERT_TRUE(request.ok()) << request.error().message << "\n" << file.text;
        Result<api::Action> back = reader.read(queued(record.action, *request));
        ASSERT_TRUE(back.ok()) << back.error().message << "\n" << file.text;
        EXPECT_EQ(*back, record.action) << file.text;
        csv += csv_job_file_row({*back, {}}) + "\n";
        requests.push_back(*request);
        ++tally[std::string(api::op_name(record.action.op)) + " " +
                std::string(api::target_name(record.action.target))];
      }

      std::vector<JobRecord> again;
      const std::vector<Diagnostic> problems = read_csv_text(
          csv, "report.csv", {}, [&](JobRecord&& r) { again.push_back(std::move(r)); });
      for (const Diagnostic& d : problems) ADD_FAILURE() << d.to_string() << "\n" << csv;
      ASSERT_EQ(again.size(), given.size()) << csv;
      for (std::size_t i = 0; i < again.size(); ++i) {
        EXPECT_EQ(again[i].action, given[i].action) << csv;
        Result<api::HttpRequest> request = api::render(again[i].action);
        ASSERT_TRUE(request.ok()) << request.error().message;
        EXPECT_EQ(request->body, requests[i].body) << csv;
        EXPECT_EQ(request->path, requests[i].path) << csv;
      }
    }
  }
  // Every combination was met often, so the property was not checked on an empty set.
  for (const api::TargetInfo& info : api::all_targets()) {
    EXPECT_GE(tally["delete " + std::string(info.name)], 50u) << info.name;
    if (info.allows_update) {
      EXPECT_GE(tally["update " + std::string(info.name)], 50u) << info.name;
    }
  }
}

}  // namespace
}  // namespace oneall::jobfile
