#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <optional>

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
  // Added later, numbered after the first ones: codes cross the cluster as numbers.
  overloaded,       ///< the node is at a bound (live or starting runs, streams); retry later
  draining,         ///< the node is being drained for a restart; try another node
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
/// (An optional and a failure rather than a std::variant: GCC 12 reports false
/// "maybe-uninitialized" warnings through variant's storage.)
template <class T>
class outcome {
public:
  outcome(T value) : value_(std::move(value)) {
  }
  outcome(failure f) : error_(std::move(f)) {
  }

  /// True if it holds a value.
  explicit operator bool() const {
    return value_.has_value();
  }

  T& operator*() {
    return *value_;
  }
  const T& operator*() const {
    return *value_;
  }
  T* operator->() {
    return &*value_;
  }
  const T* operator->() const {
    return &*value_;
  }

  /// The failure; only when there is no value.
  const failure& error() const {
    return error_;
  }

private:
  std::optional<T> value_;
  failure error_;
};

} // namespace runcast
