// --cacert adds a CA: the bundle handed to libcurl is the system's default bundle followed by
// the user's file, and a file without a PEM certificate is refused with its name.
#include "engine/ca_bundle.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/temp_dir.hpp"

namespace oneall::engine {
namespace {

using testing::TempDir;

constexpr const char* kPem = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

TEST(CaBundle, IsTheSystemBundleThenTheUsersCa) {
  TempDir dir;
  auto bundle = ca_bundle_with(dir.write("mine.pem", kPem));
  ASSERT_TRUE(bundle.ok()) << bundle.error().message;
  EXPECT_TRUE(bundle->ends_with(kPem));

  std::ifstream system(default_ca_bundle_path(), std::ios::binary);
  if (!system) GTEST_SKIP() << "no system CA bundle at " << default_ca_bundle_path();
  std::ostringstream text;
  text << system.rdbuf();
  ASSERT_FALSE(text.str().empty());
  EXPECT_TRUE(bundle->starts_with(text.str())) << "the system's CAs must stay trusted";
  EXPECT_GT(bundle->size(), text.str().size());
}

TEST(CaBundle, RefusesAFileItCannotReadOrThatHoldsNoCertificate) {
  TempDir dir;
  auto missing = ca_bundle_with(dir.file("absent.pem"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("absent.pem"), std::string::npos);

  auto key_only = ca_bundle_with(dir.write("key.pem", "-----BEGIN PRIVATE KEY-----\nx\n"));
  ASSERT_FALSE(key_only.ok());
  EXPECT_NE(key_only.error().message.find("no PEM certificate"), std::string::npos)
      << key_only.error().message;
}

}  // namespace
}  // namespace oneall::engine
