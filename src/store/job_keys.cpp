#include "store/job_keys.hpp"

#include "util/sha256.hpp"

namespace oneall::store {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (hex_digit(c) < 0) return false;
  }
  return true;
}

}  // namespace

std::string stored_job_key(std::string_view hex_key) {
  if (!is_sha256_hex(hex_key)) return stored_job_key(sha256_hex(hex_key));
  std::string bytes(kStoredJobKeyBytes, '\0');
  for (std::size_t i = 0; i < kStoredJobKeyBytes; ++i) {
    bytes[i] = static_cast<char>(hex_digit(hex_key[2 * i]) * 16 + hex_digit(hex_key[2 * i + 1]));
  }
  return bytes;
}

std::string stored_job_key(Sha256& hasher, const api::Action& action,
                           const api::HttpRequest& request, const api::Schedule& schedule) {
  return hasher.digest(api::job_key_text(action, request, schedule)).substr(0, kStoredJobKeyBytes);
}

std::int64_t object_hash(std::string_view object_key) {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64 offset basis
  for (char c : object_key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;  // FNV 64 prime
  }
  return static_cast<std::int64_t>(hash);  // two's complement: the same 64 bits
}

NewJob keyed_job(Sha256& hasher, api::Action action, api::Schedule schedule,
                 api::HttpRequest request, std::string source) {
  NewJob job{std::move(action), schedule, std::move(request), std::move(source), {}, 0};
  set_keys(hasher, job);
  return job;
}

void set_keys(Sha256& hasher, NewJob& job) {
  job.key = stored_job_key(hasher, job.action, job.request, job.schedule);
  job.object_hash = object_hash(api::object_key(job.action));
}

}  // namespace oneall::store
