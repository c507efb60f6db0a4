// How a job's two keys are stored (schema version 4, schema/004_compact_job_keys.sql): compact
// forms of api::job_key and api::object_key that keep the jobs table's two randomly-ordered
// indexes small, so importing millions of jobs stays within the page cache for longer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/action.hpp"
#include "store/records.hpp"
#include "util/sha256.hpp"

namespace oneall::store {

// Bytes of the job key kept: 128 bits. Two different jobs share a key (and the second would be
// taken for a duplicate) with probability about n^2 / 2^129: 1e-21 for a billion jobs.
inline constexpr std::size_t kStoredJobKeyBytes = 16;

// The stored job key: the first 16 bytes of api::job_key's SHA-256, given as its 64 hex digits.
// Something that is not 64 hex digits (a hand-made row in an old database) is hashed first, so
// it still gets a key of the same form.
std::string stored_job_key(std::string_view hex_key);
// The same key for a job about to be queued, hashed with `hasher`: an import keeps one for all
// its rows rather than setting up libcrypto's digest for each.
std::string stored_job_key(Sha256& hasher, const api::Action& action,
                           const api::HttpRequest& request, const api::Schedule& schedule = {});

// 64-bit FNV-1a of api::object_key(), as SQLite's signed INTEGER. Used only to keep jobs on one
// object in file order: two objects sharing a hash merely run one after the other, never at once,
// which is safe; the order within each object is kept either way.
std::int64_t object_hash(std::string_view object_key);

// A NewJob with both its keys, the job key hashed with `hasher`. Import's reading thread makes
// them, so the thread that writes the queue does not hash.
NewJob keyed_job(Sha256& hasher, api::Action action, api::Schedule schedule,
                 api::HttpRequest request, std::string source);
// Works out `job`'s two keys from its action, schedule and request, in place.
void set_keys(Sha256& hasher, NewJob& job);

}  // namespace oneall::store
