// The property that closes issue 19's class of bug: every job either reader accepts renders to
// a body that simdjson parses and that carries the job's fields as the file gave them (message,
// link, board, description byte for byte; attachments as integers with the digits written),
// and a job whose picture ids are not canonical is never accepted. Jobs come from a seeded
// generator (generated_jobs.hpp) of every target and op, written as YAML and as CSV with
// awkward scalars, so a failure is reproducible from its seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "api/action.hpp"
#include "fuzz/body_check.hpp"
#include "generated_jobs.hpp"
#include "jobfile/reader.hpp"

namespace oneall::jobfile {
namespace {

using testing::GeneratedFile;
using testing::GivenJob;
using testing::JobGenerator;

constexpr std::uint64_t kSeeds[] = {1, 2, 3, 4, 19};
constexpr std::size_t kFilesPerSeed = 600;

struct Tally {
  std::map<std::string, std::size_t> accepted;  // "update pinterest.pin" -> count
  std::size_t jobs = 0;
  std::size_t with_attachments = 0;   // accepted jobs that had attachments
  std::size_t refused_for_an_id = 0;  // jobs refused because an id was not canonical
};

// The rule of docs/formats.md, written out apart from api::PictureId so the two can disagree.
bool canonical(const std::string& text) {
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  return digits && text.front() != '0' &&
         (text.size() < 19 || (text.size() == 19 && text <= "9223372036854775807"));
}

std::string describe(const GivenJob& job, const std::string& file_text) {
  return "job at line " + std::to_string(job.line) + " of:\n" + file_text;
}

// Checks every job of one generated file against what the reader handed on.
void check_file(const GeneratedFile& file, const std::vector<JobRecord>& records,
                const std::vector<Diagnostic>& diagnostics, Tally& tally) {
  for (const Diagnostic& d : diagnostics) {
    // The generator writes well-formed files only; a syntax error means it is wrong, and every
    // job after it would go unchecked.
    ASSERT_EQ(d.message.find("syntax error"), std::string::npos) << d.to_string() << file.text;
    ASSERT_EQ(d.message.find("cells but the header has"), std::string::npos)
        << d.to_string() << file.text;
  }
  std::map<std::size_t, const JobRecord*> by_line;
  for (const JobRecord& record : records) {
    ASSERT_TRUE(by_line.emplace(record.pos.line, &record).second) << file.text;
  }
  for (std::size_t i = 0; i < file.jobs.size(); ++i) {
    const GivenJob& job = file.jobs[i];
    ++tally.jobs;
    const bool bad_id = job.attachments &&
                        (job.null_attachment ||
                         !std::all_of(job.attachments->begin(), job.attachments->end(), canonical));
    const auto found = by_line.find(job.line);
    if (found == by_line.end()) {
      if (bad_id) ++tally.refused_for_an_id;
      continue;
    }
    const api::Action& action = found->second->action;
    ASSERT_FALSE(bad_id) << "accepted a picture id that is not canonical; "
                         << describe(job, file.text);
    ASSERT_FALSE(file.null_somewhere[i]) << "accepted a null value; " << describe(job, file.text);

    // The reader kept what the file said.
    EXPECT_EQ(action.op, job.op) << describe(job, file.text);
    EXPECT_EQ(action.target, job.target) << describe(job, file.text);
    EXPECT_EQ(action.identity, job.identity) << describe(job, file.text);
    EXPECT_EQ(action.page_id, job.page_id) << describe(job, file.text);
    EXPECT_EQ(action.object_id, job.object_id) << describe(job, file.text);
    if (job.op == api::Op::kUpdate) {
      EXPECT_EQ(action.fields.board, job.board) << describe(job, file.text);
      EXPECT_EQ(action.fields.description, job.description) << describe(job, file.text);
      EXPECT_EQ(action.fields.link, job.link) << describe(job, file.text);
      EXPECT_EQ(action.fields.message, job.message) << describe(job, file.text);
      ASSERT_EQ(action.fields.attachments.has_value(), job.attachments.has_value())
          << describe(job, file.text);
      if (job.attachments) {
        std::vector<std::string> digits;
        for (const api::PictureId& id : *action.fields.attachments) digits.push_back(id.digits());
        EXPECT_EQ(digits, *job.attachments) << describe(job, file.text);
        ++tally.with_attachments;
      }
    }

    // ... and what it kept renders to a body that parses and says the same.
    Result<api::HttpRequest> request = api::render(action);
    ASSERT_TRUE(request.ok()) << request.error().message << "; " << describe(job, file.text);
    if (auto problem = fuzz::body_problem(action, *request)) {
      ADD_FAILURE() << *problem << "; " << describe(job, file.text);
    }
    ++tally.accepted[std::string(api::op_name(job.op)) + " " +
                     std::string(api::target_name(job.target))];
  }
}

// Every combination that can be accepted was accepted often, so the property was not checked
// on an empty set; and non-canonical ids were generated and refused.
void expect_coverage(const Tally& tally) {
  for (const api::TargetInfo& info : api::all_targets()) {
    const std::string deletes = "delete " + std::string(info.name);
    EXPECT_GE(tally.accepted.count(deletes) ? tally.accepted.at(deletes) : 0, 100u) << deletes;
    if (info.allows_update) {
      const std::string updates = "update " + std::string(info.name);
      EXPECT_GE(tally.accepted.count(updates) ? tally.accepted.at(updates) : 0, 100u) << updates;
    }
  }
  EXPECT_GE(tally.with_attachments, 100u);
  EXPECT_GE(tally.refused_for_an_id, 300u);
}

TEST(BodyRoundTripTest, EveryJobTheYamlReaderAcceptsRendersToJsonWithItsFields) {
  Tally tally;
  for (std::uint64_t seed : kSeeds) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    JobGenerator generator(seed);
    for (std::size_t n = 0; n < kFilesPerSeed && !HasFatalFailure(); ++n) {
      const GeneratedFile file = testing::yaml_file(generator, 1 + generator.pick(4));
      std::vector<JobRecord> records;
      const auto diagnostics =
          read_yaml_text(file.text, "gen.yaml", {}, [&](JobRecord&& r) { records.push_back(r); });
      check_file(file, records, diagnostics, tally);
    }
  }
  expect_coverage(tally);
  std::printf("YAML: %zu jobs, %zu with attachments accepted, %zu refused for an id\n", tally.jobs,
              tally.with_attachments, tally.refused_for_an_id);
}

TEST(BodyRoundTripTest, EveryJobTheCsvReaderAcceptsRendersToJsonWithItsFields) {
  Tally tally;
  for (std::uint64_t seed : kSeeds) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    JobGenerator generator(seed);
    for (std::size_t n = 0; n < kFilesPerSeed && !HasFatalFailure(); ++n) {
      ReadOptions options;
      if (generator.chance(50)) options.identity = "2af20011-8965-471b-8f6b-8b66a611aae6";
      const GeneratedFile file =
          testing::csv_file(generator, 1 + generator.pick(4), options.identity.value_or(""));
      std::vector<JobRecord> records;
      const auto diagnostics = read_csv_text(file.text, "gen.csv", options,
                                             [&](JobRecord&& r) { records.push_back(r); });
      check_file(file, records, diagnostics, tally);
    }
  }
  expect_coverage(tally);
  std::printf("CSV: %zu jobs, %zu with attachments accepted, %zu refused for an id\n", tally.jobs,
              tally.with_attachments, tally.refused_for_an_id);
}

}  // namespace
}  // namespace oneall::jobfile
