#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace runcast {

/// runcast's error codes: what went wrong, in terms a caller can act on. They cross actor
/// boundaries as `caf::error` (actors/type_ids.hpp declares the enum to CAF) and HTTP maps
/// them to status codes in one table (http/error_status.hpp).
enum class errc : uint8_t {
  not_found = 1,    ///< no such run, session or component — or one the caller may not see
  invalid_argument, ///< the request itself is wrong (a parameter, a field)
  conflict,         ///< the request does not fit the current state (run already finished)
  unavailable,      ///< the store or a peer does not answer; retrying may work
  shutting_down,    ///< the node is stopping and takes no new work
  internal,         ///< a bug or an unexpected state; logged where it happens
};

/// The name of a code ("not_found").
std::string_view to_string(errc code);

/// An error as runcast's plain C++ face reports it: a code and a message meant for the
/// client (it becomes the `detail` of an HTTP answer).
struct failure {
  errc code = errc::internal;
  std::string detail;
};

/// A value or the failure that prevented it (std::expected is C++23).
template <class T>
class outcome {
public:
  outcome(T value) : v_(std::move(value)) {
  }
  outcome(failure f) : v_(std::move(f)) {
  }

  /// True if it holds a value.
  explicit operator bool() const {
    return v_.index() == 0;
  }

  T& operator*() {
    return std::get<0>(v_);
  }
  const T& operator*() const {
    return std::get<0>(v_);
  }
  T* operator->() {
    return &std::get<0>(v_);
  }
  const T* operator->() const {
    return &std::get<0>(v_);
  }

  /// The failure; only when there is no value.
  const failure& error() const {
    return std::get<1>(v_);
  }

private:
  std::variant<T, failure> v_;
};

} // namespace runcast
