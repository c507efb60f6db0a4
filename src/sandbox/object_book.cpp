#include "sandbox/object_book.hpp"

namespace oneall::sandbox {

ObjectBook::ObjectBook(std::set<std::string> missing_object_ids)
    : missing_(std::move(missing_object_ids)) {}

Change ObjectBook::remove(const Route& route) {
  if (missing_.count(route.object_id) != 0) return Change::kNotFound;
  std::lock_guard lock(mutex_);
  return deleted_.insert(route.object_key()).second ? Change::kApplied : Change::kRepeated;
}

Change ObjectBook::update(const Route& route, std::string_view fields_json) {
  if (missing_.count(route.object_id) != 0) return Change::kNotFound;
  const std::string key = route.object_key();
  std::lock_guard lock(mutex_);
  if (deleted_.count(key) != 0) return Change::kNotFound;
  auto [it, inserted] = last_update_.try_emplace(key, fields_json);
  if (!inserted) {
    if (it->second == fields_json) return Change::kRepeated;
    it->second = fields_json;
  }
  return Change::kApplied;
}

}  // namespace oneall::sandbox
