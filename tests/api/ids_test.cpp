#include "api/ids.hpp"

#include <gtest/gtest.h>

#include <string>

namespace oneall::api {
namespace {

TEST(CheckIdentity, AcceptsUuidsInEitherCase) {
  EXPECT_EQ(check_identity("2af20011-8965-471b-8f6b-8b66a611aae6"), std::nullopt);
  EXPECT_EQ(check_identity("2AF20011-8965-471B-8F6B-8B66A611AAE6"), std::nullopt);
}

TEST(CheckIdentity, RefusesAnythingElse) {
  for (const char* bad :
       {"", "2af20011-8965-471b-8f6b-8b66a611aae", "2af20011-8965-471b-8f6b-8b66a611aae6a",
        "2af20011x8965-471b-8f6b-8b66a611aae6", "2af20011-8965-471b-8f6b-8b66a611aaeg",
        "../20011-8965-471b-8f6b-8b66a611aae6", "2af20011-8965-471b-8f6b/8b66a611aae6"}) {
    EXPECT_NE(check_identity(bad), std::nullopt) << bad;
  }
}

TEST(CheckResourceId, AcceptsOpaqueIdsOfTheAllowedAlphabet) {
  for (const char* good : {"352969689546669253", "1234_5678", "a.b-c_D", "x", "..a", "a.."}) {
    EXPECT_EQ(check_resource_id(good), std::nullopt) << good;
  }
  EXPECT_EQ(check_resource_id(std::string(128, 'a')), std::nullopt);
}

// Every way a job file could try to reach another resource through an id.
TEST(CheckResourceId, RefusesPathEscapesAndOddBytes) {
  const std::string cases[] = {"",
                               ".",
                               "..",
                               "../x",
                               "a/b",
                               "a\\b",
                               "a%2Fb",
                               "a?b",
                               "a#b",
                               "a b",
                               "a\tb",
                               "a\nb",
                               std::string("a\0b", 3),
                               "a\x7f",
                               "a\xe2\x81\x84"
                               "b" /* U+2044 fraction slash */,
                               "a;b",
                               std::string(129, 'a')};
  for (const auto& bad : cases) {
    EXPECT_NE(check_resource_id(bad), std::nullopt) << "accepted: " << bad;
  }
}

TEST(CheckResourceId, SaysWhatIsWrong) {
  EXPECT_EQ(check_resource_id("a/b").value(),
            "holds '/' (only letters, digits, '_', '.' and '-' are allowed)");
  EXPECT_EQ(check_resource_id("a b").value(),
            "holds a space (only letters, digits, '_', '.' and '-' are allowed)");
  EXPECT_EQ(check_resource_id("a\x01").value(),
            "holds byte 0x01 (only letters, digits, '_', '.' and '-' are allowed)");
  EXPECT_EQ(check_resource_id("..").value(),
            "must not be '.' or '..' (expected an id naming one object)");
}

}  // namespace
}  // namespace oneall::api
