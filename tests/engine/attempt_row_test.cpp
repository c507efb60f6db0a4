#include "engine/attempt_row.hpp"

#include <gtest/gtest.h>

namespace oneall::engine {
namespace {

api::Credentials keys() { return {"site", "public-key-123", "private-key-456"}; }

TEST(RedactCredentials, ReplacesEveryOccurrenceOfEitherKey) {
  EXPECT_EQ(redact_credentials("auth private-key-456 and private-key-456!", keys()),
            "auth [redacted] and [redacted]!");
  EXPECT_EQ(redact_credentials("user public-key-123:private-key-456@host", keys()),
            "user [redacted]:[redacted]@host");
  EXPECT_EQ(redact_credentials("nothing secret here", keys()), "nothing secret here");
  EXPECT_EQ(redact_credentials("", keys()), "");
}

TEST(RedactCredentials, LeavesTextAloneForKeysTooShortToBeSecrets) {
  const api::Credentials tiny{"site", "", "a"};
  EXPECT_EQ(redact_credentials("a cat and a dog", tiny), "a cat and a dog");
}

TEST(RedactCredentials, AKeyThatLooksLikeTheMarkerDoesNotLoop) {
  const api::Credentials odd{"site", "redacted", "[redacted]"};
  EXPECT_EQ(redact_credentials("x [redacted] redacted y", odd), "x [[redacted]] [redacted] y");
}

}  // namespace
}  // namespace oneall::engine
