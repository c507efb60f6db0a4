#include "sandbox/object_book.hpp"

namespace oneall::sandbox {

ObjectBook::ObjectBook(std::set<std::string> missing_object_ids)
    : missing_(std::move(missing_object_ids)) {}

Change ObjectBook::remove(const Route& route) {
  if (missing(route)) return Change::kNotFound;
  std::string key = route.object_key();
  std::lock_guard lock(mutex_);
  updated_.erase(key);
  return deleted_.insert(std::move(key)).second ? Change::kApplied : Change::kRepeated;
}

Change ObjectBook::update(const Route& route, const UpdateFields& fields) {
  if (missing(route)) return Change::kNotFound;
  std::string key = route.object_key();
  std::lock_guard lock(mutex_);
  if (deleted_.count(key) != 0) return Change::kNotFound;
  FieldValues& values = updated_[std::move(key)];
  bool changed = false;
  for (const UpdateField& field : fields) {
    auto [it, inserted] = values.try_emplace(field.name, field.value_json);
    if (inserted) {
      changed = true;
    } else if (it->second != field.value_json) {
      it->second = field.value_json;
      changed = true;
    }
  }
  return changed ? Change::kApplied : Change::kRepeated;
}

}  // namespace oneall::sandbox
