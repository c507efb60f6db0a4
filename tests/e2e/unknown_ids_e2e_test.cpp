// A batch or job id that is not in the queue is a mistake, not "nothing to do" (issue 22, item
// 3): every command that takes --batch or --job refuses it with exit 2 and names it, and
// changes nothing; the ids that exist still work.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/job_text.hpp"
#include "support/process.hpp"
#include "support/queue_states.hpp"
#include "support/temp_dir.hpp"

namespace oneall {
namespace {

using testing::queue_states;
using testing::run_oneall;
using testing::TempDir;

struct UnknownId {
  std::vector<std::string> args;  // the command and its filter; --db is added
  const char* names;              // what the message must name
};

void PrintTo(const UnknownId& c, std::ostream* os) {
  for (const auto& arg : c.args) *os << arg << ' ';
}

// A queue holding batch 1: jobs 1 and 2, pending.
class OneBatchE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string jobs = dir_.write(
        "jobs.yaml", testing::yaml_job("{op: delete, target: twitter.tweet, object_id: '1'}") +
                         "  - {op: delete, target: twitter.tweet, object_id: '2'}\n");
    auto import = run_oneall({"import", jobs, "--db", db_});
    ASSERT_EQ(import.exit_code, 0) << import.err;
    ASSERT_NE(import.out.find("batch 1: 2 new"), std::string::npos) << import.out;
  }

  TempDir dir_;
  const std::string db_ = dir_.file("q.db");
};

class UnknownIdsE2e : public OneBatchE2e, public ::testing::WithParamInterface<UnknownId> {};

TEST_P(UnknownIdsE2e, IsRefusedWithExitTwoAndNamed) {
  std::vector<std::string> args = GetParam().args;
  args.insert(args.end(), {"--db", db_});
  // `run --sandbox` needs no credentials: only the batch can be what is wrong.
  auto result = run_oneall(args);
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  EXPECT_NE(result.err.find(GetParam().names), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("is not in " + db_), std::string::npos) << result.err;
  EXPECT_EQ(result.out, "") << "no report, no count";
  EXPECT_EQ(queue_states(db_).pending, 2) << "nothing changed, nothing sent";
}

INSTANTIATE_TEST_SUITE_P(
    EveryCommandWithAnIdFilter, UnknownIdsE2e,
    ::testing::Values(UnknownId{{"retry", "--batch", "3"}, "batch 3"},
                      UnknownId{{"retry", "--job", "99999"}, "job 99999"},
                      UnknownId{{"cancel", "--batch", "3"}, "batch 3"},
                      UnknownId{{"cancel", "--job", "99999"}, "job 99999"},
                      UnknownId{{"cancel", "--batch", "1", "--job", "99999"}, "job 99999"},
                      UnknownId{{"report", "--batch", "99"}, "batch 99"},
                      UnknownId{{"report", "--job", "99999"}, "job 99999"},
                      UnknownId{{"run", "--sandbox", "--batch", "99"}, "batch 99"},
                      UnknownId{{"run", "--dry-run", "--batch", "99"}, "batch 99"}));

TEST_F(OneBatchE2e, IdsThatExistStillWork) {
  auto report = run_oneall({"report", "--batch", "1", "--job", "2", "--db", db_});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  auto none = run_oneall({"retry", "--batch", "1", "--db", db_});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("0 job(s) moved back to pending"), std::string::npos) << none.out;
  auto cancel = run_oneall({"cancel", "--job", "2", "--db", db_});
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_NE(cancel.out.find("1 pending job(s) cancelled"), std::string::npos) << cancel.out;
  auto run = run_oneall({"run", "--sandbox", "--batch", "1", "--db", db_});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(queue_states(db_).succeeded, 1);
}

}  // namespace
}  // namespace oneall
