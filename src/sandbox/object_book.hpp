// The sandbox's in-memory objects: every object exists until deleted, unless its id is listed
// as missing. Records each change so a repeat (a second delete, the same update again) is told
// apart from a first — that is how tests prove nothing was sent twice. Thread-safe.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "sandbox/route.hpp"

namespace oneall::sandbox {

enum class Change {
  kApplied,   // the object changed
  kRepeated,  // this very change was already applied (answered 404 for a delete, 200 for a PUT)
  kNotFound,  // no such object (listed as missing, or deleted before an update)
};

class ObjectBook {
 public:
  explicit ObjectBook(std::set<std::string> missing_object_ids);

  Change remove(const Route& route);
  Change update(const Route& route, std::string_view fields_json);

 private:
  std::mutex mutex_;
  const std::set<std::string> missing_;
  std::unordered_set<std::string> deleted_;                   // object keys
  std::unordered_map<std::string, std::string> last_update_;  // object key -> fields applied
};

}  // namespace oneall::sandbox
