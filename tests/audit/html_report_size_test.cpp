// The HTML report of a large, varied queue stays small: 20,000 attempts written through the
// store over five years, each with an API message of its own, in 150 batches, on every target
// the queue has. The page is drawn from the store's aggregates, so its size follows their
// limits (time buckets, error groups, batches listed), not the log's length.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "audit/html_report.hpp"
#include "store/store_test_helpers.hpp"

namespace oneall::audit {
namespace {

using namespace store::testing;

class HtmlReportSizeTest : public QueueTest {};

TEST_F(HtmlReportSizeTest, AQueueOfManyAttemptsGivesAPageOfBoundedSize) {
  constexpr int kBatches = 150;
  constexpr int kJobsPerBatch = 134;
  for (int b = 0; b < kBatches; ++b) {
    std::vector<api::Action> actions;
    for (int j = 0; j < kJobsPerBatch; ++j) {
      const std::string id = fmt::format("{}", b * kJobsPerBatch + j);
      actions.push_back(j % 2 == 0 ? tweet_delete(id) : pin_delete(id));
    }
    import_all(*queue_, actions, fmt::format("batch-{}-<&>.yaml", b));
  }
  const std::int64_t run = start_run();
  auto claimed = queue_->claim(run, kBatches * kJobsPerBatch, kLeaseMs);
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_EQ(claimed->size(), static_cast<std::size_t>(kBatches * kJobsPerBatch));
  const EpochMs start = 1'600'000'000'000;
  const EpochMs five_years = 5LL * 365 * 24 * 3600 * 1000;
  std::vector<store::Completion> completions;
  for (std::size_t i = 0; i < claimed->size(); ++i) {
    const bool failed = i % 3 == 0;
    store::AttemptRecord attempt =
        attempt_of(run, (*claimed)[i].job_id, failed ? 400 : 200, failed ? "failed" : "succeeded");
    attempt.started_at =
        start + five_years / static_cast<EpochMs>(claimed->size()) * static_cast<EpochMs>(i);
    attempt.ended_at = attempt.started_at + static_cast<EpochMs>(i % 5000);
    if (failed) attempt.api_info = fmt::format("Object {} <is> gone: {}", i, std::string(200, 'x'));
    completions.push_back(
        {attempt, {failed ? store::JobState::kFailed : store::JobState::kSucceeded, 0, ""}});
  }
  ASSERT_TRUE(queue_->finish(completions).ok());

  auto figures = queue_->report_aggregates(std::nullopt);
  ASSERT_TRUE(figures.ok()) << figures.error().message;
  EXPECT_EQ(figures->attempts, kBatches * kJobsPerBatch);
  EXPECT_LE(static_cast<std::int64_t>(figures->rate.size()), store::kMaxTimeBuckets);
  EXPECT_EQ(figures->errors.size(), store::kMaxErrorGroups);
  EXPECT_EQ(figures->error_groups_total, (kBatches * kJobsPerBatch + 2) / 3);
  EXPECT_EQ(figures->batches.size(), store::kMaxReportBatches);
  EXPECT_EQ(figures->batches_left_out, kBatches - 100);
  const std::string html = html_report(*figures, queue_->path());
  EXPECT_LT(html.size(), 256u * 1024) << html.size();
  EXPECT_EQ(html.find("<is>"), std::string::npos);  // messages escaped
}

}  // namespace
}  // namespace oneall::audit
