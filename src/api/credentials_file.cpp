#include "api/credentials_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "util/file_descriptor.hpp"
#include "util/text.hpp"

namespace oneall::api {
namespace {

constexpr std::size_t kMaxFileBytes = 64 * 1024;  // three short lines; anything bigger is wrong

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

std::optional<std::string>* field_named(CredentialFields& fields, std::string_view key) {
  if (key == "subdomain") return &fields.subdomain;
  if (key == "public_key") return &fields.public_key;
  if (key == "private_key") return &fields.private_key;
  return nullptr;
}

// Reads at most kMaxFileBytes through an open descriptor, so the mode checked is the mode of
// the file read (no swap between stat and open).
Result<std::string> read_small_file(int fd, const std::string& path) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Error{
          fmt::format("{}: cannot read the credentials file: {}", path, std::strerror(errno))};
    }
    if (got == 0) return text;
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > kMaxFileBytes) {
      return Error{fmt::format(
          "{}: the credentials file is larger than {} bytes; it should hold three short lines",
          path, kMaxFileBytes)};
    }
  }
}

}  // namespace

Result<CredentialFields> parse_credentials_file(std::string_view text, const std::string& path) {
  CredentialFields fields;
  std::vector<std::string> problems;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) {
      problems.push_back(
          fmt::format("{}:{}: expected `key = value` (keys: subdomain, public_key, private_key)",
                      path, line_number));
      continue;
    }
    const std::string_view key = trim(line.substr(0, equals));
    const std::string_view value = trim(line.substr(equals + 1));
    std::optional<std::string>* field = field_named(fields, key);
    if (field == nullptr) {
      // The key is shown only when it looks like a key: a pasted secret must not be echoed.
      const bool printable =
          !key.empty() && key.size() <= 32 &&
          key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos;
      problems.push_back(
          fmt::format("{}:{}: unknown key{} (expected subdomain, public_key or private_key)", path,
                      line_number, printable ? fmt::format(" '{}'", key) : std::string()));
      continue;
    }
    if (field->has_value()) {
      problems.push_back(fmt::format("{}:{}: {} is set twice", path, line_number, key));
      continue;
    }
    if (value.empty()) {
      problems.push_back(fmt::format("{}:{}: {} is empty", path, line_number, key));
      continue;
    }
    if (value.find_first_of(" \t\"'\\") != std::string_view::npos || !is_valid_utf8(value)) {
      problems.push_back(fmt::format(
          "{}:{}: {} holds a space, quote, backslash or bad UTF-8 (write the value bare, as "
          "the OneAll dashboard shows it)",
          path, line_number, key));
      continue;
    }
    *field = std::string(value);
  }
  if (!problems.empty()) {
    return Error{fmt::format("{}", fmt::join(problems, "\n"))};
  }
  return fields;
}

Result<CredentialFields> read_credentials_file(const std::string& path) {
  const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) {
    return Error{
        fmt::format("{}: cannot open the credentials file: {}", path, std::strerror(errno))};
  }
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) {
    return Error{
        fmt::format("{}: cannot stat the credentials file: {}", path, std::strerror(errno))};
  }
  if (!S_ISREG(info.st_mode)) {
    return Error{fmt::format("{}: the credentials file is not a regular file", path)};
  }
  auto text = read_small_file(file.get(), path);
  if (!text) return text.error();
  auto fields = parse_credentials_file(*text, path);
  if (!fields) return fields;
  const unsigned mode = info.st_mode & 07777;
  if (fields->private_key && (mode & 077) != 0) {
    return Error{
        fmt::format("{}: holds a private key but its mode is {:04o}, so other users may read it; "
                    "refusing to use it. Fix: chmod 600 {}",
                    path, mode, path)};
  }
  return fields;
}

std::optional<std::string> systemd_credentials_path() {
  const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
  if (directory == nullptr || *directory != '/') return std::nullopt;
  return fmt::format("{}/{}", directory, kSystemdCredentialName);
}

std::optional<std::string> default_credentials_path() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg == '/') {
    return fmt::format("{}/oneall-bulk/credentials", xdg);
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fmt::format("{}/.config/oneall-bulk/credentials", home);
  }
  return std::nullopt;
}

}  // namespace oneall::api
