#include "store/job_key_filter.hpp"

#include <gtest/gtest.h>

#include <string>

#include "store/job_keys.hpp"

namespace oneall::store {
namespace {

std::string key(int i) { return stored_job_key("job " + std::to_string(i)); }

TEST(JobKeyFilter, HoldsEveryKeyAddedAndFewOthers) {
  constexpr int kKeys = 100'000;
  JobKeyFilter filter(kKeys);
  for (int i = 0; i < kKeys; ++i) filter.add(key(i));
  for (int i = 0; i < kKeys; ++i) ASSERT_TRUE(filter.may_hold(key(i))) << i;
  int wrong = 0;
  for (int i = kKeys; i < 2 * kKeys; ++i) wrong += filter.may_hold(key(i)) ? 1 : 0;
  EXPECT_LT(wrong, kKeys / 50) << "a 'maybe' for more than 2 % of the keys not added";
  EXPECT_GT(wrong, 0) << "10 bits a key cannot tell every key apart: is the filter sized?";
}

TEST(JobKeyFilter, AFilterCappedBelowItsKeysStillHoldsThemAll) {
  JobKeyFilter filter(1'000'000, 1024);  // 8,192 bits for a million keys: "maybe" to nearly all
  for (int i = 0; i < 10'000; ++i) filter.add(key(i));
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(filter.may_hold(key(i))) << i;
}

TEST(JobKeyFilter, AnEmptyFilterHoldsNothing) {
  const JobKeyFilter filter(0);
  EXPECT_FALSE(filter.may_hold(key(1)));
}

}  // namespace
}  // namespace oneall::store
