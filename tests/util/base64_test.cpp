#include "util/base64.hpp"

#include <gtest/gtest.h>

namespace oneall {
namespace {

// RFC 4648 §10: the sandbox checks Basic auth with this, and the leak test looks for keys in
// this form.
TEST(Base64Encode, MatchesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64Encode, UsesTheStandardAlphabetForHighBytes) {
  EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
}

}  // namespace
}  // namespace oneall
