// Result<T>: the value of an operation that can fail as part of normal life (a bad row, a
// refused path, a full disk), or the Error that says what happened and where. C++20 has no
// std::expected; this is the small subset we use.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace oneall {

struct Error {
  std::string message;  // complete, user-facing: what happened, where, what to do
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<T>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(state_);
  }
  // On a temporary, the value is moved out rather than referenced, so that
  // `for (auto& x : *make_result())` cannot iterate a destroyed Result.
  T value() && {
    assert(ok());
    return std::get<T>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<Error>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// For operations that produce nothing but can fail.
struct Ok {};
using Status = Result<Ok>;

}  // namespace oneall
