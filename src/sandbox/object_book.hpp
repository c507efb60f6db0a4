// The sandbox's in-memory objects: every object exists until deleted, unless its object id is
// listed as missing. Keeps the fields each PUT set, so a request for a change already made (a
// second delete, an update that sets what is already there) is told apart from one that
// changes something — that is how tests prove nothing was sent twice. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "sandbox/route.hpp"
#include "sandbox/update_body.hpp"

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
  Change update(const Route& route, const UpdateFields& fields);

 private:
  using FieldValues = std::map<std::string, std::string>;  // field name -> compact JSON value

  bool missing(const Route& route) const { return missing_.count(route.object_id) != 0; }

  const std::set<std::string> missing_;  // never changes: read without the lock
  std::mutex mutex_;
  std::unordered_set<std::string> deleted_;               // object keys
  std::unordered_map<std::string, FieldValues> updated_;  // object key -> fields PUTs have set
};

}  // namespace oneall::sandbox
