#include "api/credentials.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace oneall::api {
namespace {

TEST(ApiRoot, DefaultsToTheSubdomainOverHttps) {
  auto root = api_root({"mysite", "pub", "priv"}, std::nullopt);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, "https://mysite.api.oneall.com");
}

TEST(ApiRoot, RefusesASubdomainThatIsNotAHostLabel) {
  EXPECT_FALSE(api_root({"evil.com/x", "p", "k"}, std::nullopt).ok());
  EXPECT_FALSE(api_root({"", "p", "k"}, std::nullopt).ok());
}

TEST(ApiRoot, AcceptsHttpsAnywhereAndHttpOnLoopback) {
  const Credentials c{"s", "p", "k"};
  EXPECT_EQ(api_root(c, "https://staging.example.com/").value(), "https://staging.example.com");
  EXPECT_EQ(api_root(c, "http://127.0.0.1:8080").value(), "http://127.0.0.1:8080");
  EXPECT_EQ(api_root(c, "http://localhost:1/").value(), "http://localhost:1");
  EXPECT_EQ(api_root(c, "http://[::1]:9000").value(), "http://[::1]:9000");
}

TEST(ApiRoot, RefusesPlainHttpToAnyOtherHost) {
  const Credentials c{"s", "p", "k"};
  for (const char* url : {"http://example.com", "http://127.evil.com", "http://10.0.0.1:80",
                          "http://127.0.0.1.nip.io"}) {
    auto root = api_root(c, std::string(url));
    ASSERT_FALSE(root.ok()) << url;
    EXPECT_NE(root.error().message.find("refusing plain http://"), std::string::npos) << url;
  }
}

TEST(ApiRoot, RefusesOtherSchemesAndCredentialsInTheUrl) {
  const Credentials c{"s", "p", "k"};
  EXPECT_FALSE(api_root(c, std::string("ftp://127.0.0.1")).ok());
  EXPECT_FALSE(api_root(c, std::string("127.0.0.1:80")).ok());
  EXPECT_FALSE(api_root(c, std::string("https://user:pass@example.com")).ok());
  EXPECT_FALSE(api_root(c, std::string("https://example.com/?x=1")).ok());
}

}  // namespace
}  // namespace oneall::api
