// The credentials file: strict `key = value` parsing with file:line errors that never show a
// value, the owner-only mode rule for a file holding a private key, and how the file and the
// environment combine (environment wins, field by field).
#include "api/credentials_file.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "api/credentials.hpp"
#include "support/temp_dir.hpp"

namespace oneall::api {
namespace {

using testing::TempDir;

constexpr const char* kSecret = "Zq8-private-7f3e";

// Sets environment variables for one test and puts the old values back.
class EnvOverride {
 public:
  explicit EnvOverride(const std::map<std::string, std::optional<std::string>>& values) {
    for (const auto& [name, value] : values) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }
  ~EnvOverride() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

std::string write_mode(const TempDir& dir, const std::string& name, const std::string& text,
                       mode_t mode) {
  const std::string path = dir.write(name, text);
  chmod(path.c_str(), mode);
  return path;
}

TEST(ParseCredentialsFile, ReadsKeysCommentsAndBlankLines) {
  auto fields = parse_credentials_file(
      "# my site\n\nsubdomain = mysite\npublic_key=pub-1\n  private_key =  " +
          std::string(kSecret) + "  \r\n",
      "c");
  ASSERT_TRUE(fields.ok()) << fields.error().message;
  EXPECT_EQ(fields->subdomain, "mysite");
  EXPECT_EQ(fields->public_key, "pub-1");
  EXPECT_EQ(fields->private_key, kSecret);
}

TEST(ParseCredentialsFile, ListsEveryProblemWithFileAndLineAndNeverAValue) {
  struct Case {
    std::string text;
    std::string says;
  };
  const std::string secret = kSecret;
  for (const Case& c : std::vector<Case>{
           {"private_key " + secret + "\n", "creds:1: expected `key = value`"},
           {"privat_key = " + secret + "\n", "creds:1: unknown key 'privat_key'"},
           {secret + " = x\n", "creds:1: unknown key (expected"},
           {"private_key = a\nprivate_key = " + secret + "\n", "creds:2: private_key is set twice"},
           {"subdomain =\n", "creds:1: subdomain is empty"},
           {"private_key = \"" + secret + "\"\n", "creds:1: private_key holds a space, quote"},
           {"\n\nprivate_key = " + secret + " x\n", "creds:3: private_key holds a space"},
       }) {
    auto fields = parse_credentials_file(c.text, "creds");
    ASSERT_FALSE(fields.ok()) << c.text;
    EXPECT_NE(fields.error().message.find(c.says), std::string::npos) << fields.error().message;
    EXPECT_EQ(fields.error().message.find(secret), std::string::npos)
        << "a value was echoed: " << fields.error().message;
  }
  auto both = parse_credentials_file("a\nb = c\n", "creds");
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.error().message.find("creds:1:"), std::string::npos);
  EXPECT_NE(both.error().message.find("creds:2:"), std::string::npos);
}

TEST(ReadCredentialsFile, RefusesAPrivateKeyOthersCanReadAndSaysHowToFixIt) {
  TempDir dir;
  const std::string text = std::string("private_key = ") + kSecret + "\n";
  for (mode_t mode : {0644, 0640, 0604, 0660, 0601}) {
    const std::string path = write_mode(dir, "c", text, mode);
    auto fields = read_credentials_file(path);
    ASSERT_FALSE(fields.ok()) << std::oct << mode;
    const std::string& message = fields.error().message;
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find(fmt::format("{:04o}", mode)), std::string::npos) << message;
    EXPECT_NE(message.find("chmod 600"), std::string::npos) << message;
    EXPECT_EQ(message.find(kSecret), std::string::npos) << message;
  }
  EXPECT_TRUE(read_credentials_file(write_mode(dir, "c", text, 0600)).ok());
  EXPECT_TRUE(read_credentials_file(write_mode(dir, "c", text, 0400)).ok());
  // Without a private key, a readable file leaks nothing secret.
  EXPECT_TRUE(read_credentials_file(write_mode(dir, "c", "subdomain = s\n", 0644)).ok());
}

TEST(ReadCredentialsFile, NamesAFileItCannotOpen) {
  auto fields = read_credentials_file("/nonexistent/oneall/credentials");
  ASSERT_FALSE(fields.ok());
  EXPECT_NE(fields.error().message.find("/nonexistent/oneall/credentials"), std::string::npos);
}

TEST(ConfiguredCredentials, EnvironmentWinsFieldByFieldOverTheFile) {
  TempDir dir;
  const std::string path = write_mode(
      dir, "c",
      std::string("subdomain = filesite\npublic_key = file-pub\nprivate_key = ") + kSecret + "\n",
      0600);
  {
    EnvOverride env({{"ONEALL_SUBDOMAIN", "envsite"},
                     {"ONEALL_PUBLIC_KEY", std::nullopt},
                     {"ONEALL_PRIVATE_KEY", ""},
                     {"ONEALL_BULK_CONFIG", std::nullopt}});
    auto credentials = configured_credentials(path);
    ASSERT_TRUE(credentials.ok()) << credentials.error().message;
    EXPECT_EQ(credentials->subdomain, "envsite");
    EXPECT_EQ(credentials->public_key, "file-pub");
    EXPECT_EQ(credentials->private_key, kSecret);
  }
  {
    EnvOverride env({{"ONEALL_SUBDOMAIN", std::nullopt},
                     {"ONEALL_PUBLIC_KEY", std::nullopt},
                     {"ONEALL_PRIVATE_KEY", std::nullopt},
                     {"ONEALL_BULK_CONFIG", path}});
    auto credentials = configured_credentials(std::nullopt);
    ASSERT_TRUE(credentials.ok()) << credentials.error().message;
    EXPECT_EQ(credentials->subdomain, "filesite");
  }
}

TEST(ConfiguredCredentials, FindsTheDefaultFileUnderXdgConfigHome) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "oneall-bulk");
  write_mode(dir, "oneall-bulk/credentials", "subdomain = xdg\npublic_key = p\nprivate_key = k\n",
             0600);
  EnvOverride env({{"ONEALL_SUBDOMAIN", std::nullopt},
                   {"ONEALL_PUBLIC_KEY", std::nullopt},
                   {"ONEALL_PRIVATE_KEY", std::nullopt},
                   {"ONEALL_BULK_CONFIG", std::nullopt},
                   {"XDG_CONFIG_HOME", dir.path().string()}});
  EXPECT_EQ(default_credentials_path(), dir.file("oneall-bulk/credentials"));
  auto credentials = configured_credentials(std::nullopt);
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->subdomain, "xdg");
}

// A systemd unit passes the file with LoadCredential=credentials:FILE; systemd puts a copy in
// $CREDENTIALS_DIRECTORY. It comes before the default file, after a file named explicitly.
TEST(ConfiguredCredentials, ReadsTheSystemdCredentialBeforeTheDefaultFile) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "creds");
  std::filesystem::create_directories(dir.path() / "xdg/oneall-bulk");
  write_mode(dir, "creds/credentials", "subdomain = systemd\npublic_key = p\nprivate_key = k\n",
             0400);
  write_mode(dir, "xdg/oneall-bulk/credentials",
             "subdomain = xdg\npublic_key = p\nprivate_key = k\n", 0600);
  EnvOverride env({{"ONEALL_SUBDOMAIN", std::nullopt},
                   {"ONEALL_PUBLIC_KEY", std::nullopt},
                   {"ONEALL_PRIVATE_KEY", std::nullopt},
                   {"ONEALL_BULK_CONFIG", std::nullopt},
                   {"XDG_CONFIG_HOME", dir.file("xdg")},
                   {"CREDENTIALS_DIRECTORY", dir.file("creds")}});
  EXPECT_EQ(systemd_credentials_path(), dir.file("creds/credentials"));
  auto credentials = configured_credentials(std::nullopt);
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->subdomain, "systemd");

  const std::string named =
      write_mode(dir, "named", "subdomain = named\npublic_key = p\nprivate_key = k\n", 0600);
  EXPECT_EQ(configured_credentials(named).value().subdomain, "named");

  // A unit without LoadCredential= for it: the default file, as before.
  std::filesystem::remove(dir.path() / "creds/credentials");
  EXPECT_EQ(configured_credentials(std::nullopt).value().subdomain, "xdg");
}

TEST(ConfiguredCredentials, ARefusedSystemdCredentialIsAnErrorThatSaysWhereItCameFrom) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "creds");
  write_mode(dir, "creds/credentials", "subdomain = s\nbogus line\n", 0400);
  EnvOverride env(
      {{"ONEALL_BULK_CONFIG", std::nullopt}, {"CREDENTIALS_DIRECTORY", dir.file("creds")}});
  auto refused = configured_credentials(std::nullopt);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("CREDENTIALS_DIRECTORY"), std::string::npos)
      << refused.error().message;
}

TEST(ConfiguredCredentials, AFileNamedButMissingOrLeakingIsAnErrorEvenWithAFullEnvironment) {
  TempDir dir;
  EnvOverride env({{"ONEALL_SUBDOMAIN", "s"},
                   {"ONEALL_PUBLIC_KEY", "p"},
                   {"ONEALL_PRIVATE_KEY", kSecret},
                   {"ONEALL_BULK_CONFIG", std::nullopt}});
  EXPECT_FALSE(configured_credentials(dir.file("absent")).ok());
  const std::string leaky = write_mode(dir, "c", "private_key = other\n", 0644);
  auto refused = configured_credentials(leaky);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("chmod 600"), std::string::npos);
}

TEST(ConfiguredCredentials, NamesWhatIsMissingWithoutPrintingKeys) {
  TempDir dir;
  EnvOverride env({{"ONEALL_SUBDOMAIN", "mysite"},
                   {"ONEALL_PUBLIC_KEY", "public-123"},
                   {"ONEALL_PRIVATE_KEY", std::nullopt},
                   {"ONEALL_BULK_CONFIG", std::nullopt},
                   {"XDG_CONFIG_HOME", dir.path().string()}});
  auto missing = configured_credentials(std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("ONEALL_PRIVATE_KEY"), std::string::npos);
  EXPECT_NE(missing.error().message.find("--config"), std::string::npos);
  EXPECT_EQ(missing.error().message.find("public-123"), std::string::npos);
}

}  // namespace
}  // namespace oneall::api
