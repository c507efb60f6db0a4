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

TEST(ValidUtf8, KeepsValidTextAsItIs) {
  EXPECT_EQ(valid_utf8(""), "");
  EXPECT_EQ(valid_utf8("plain {\"json\": 1}"), "plain {\"json\": 1}");
  EXPECT_EQ(valid_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_EQ(valid_utf8(std::string("a\0b", 3)), std::string("a\0b", 3));  // NUL is UTF-8
}

TEST(ValidUtf8, ReplacesEachBadByteWithU_FFFD) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(valid_utf8("\xff"), r);
  EXPECT_EQ(valid_utf8("a\xff"
                       "b\xfe"),
            "a" + r + "b" + r);
  EXPECT_EQ(valid_utf8("\xc0\xaf"), r + r);               // overlong '/'
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), r + r + r);       // a surrogate
  EXPECT_EQ(valid_utf8("cut \xe2\x82"), "cut " + r + r);  // a body cut inside a character
}

}  // namespace
}  // namespace oneall::engine
