#pragma once

#include "core/errc.hpp"

#include <cstddef>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace runcast::runtime {

/// One call in flight for many callers: the first caller starts the work, later ones wait
/// for its result, and a bounded number of them at that. /health uses it so that a load
/// balancer's probes do not pile up on the store threads while the store hangs.
template <class T>
class single_flight {
public:
  using callback = std::function<void(outcome<T>)>;

  explicit single_flight(size_t max_waiters) : max_waiters_(max_waiters) {
  }

  /// What the caller must do after `join`.
  enum class role { start, wait, refused };

  /// Queues `done` for the next result. `start`: the caller starts the work and calls
  /// `land` with its result; `wait`: it is in flight already; `refused`: too many wait
  /// (`done` was left to the caller).
  role join(callback& done) {
    std::lock_guard<std::mutex> lock{mutex_};
    if (waiters_.size() >= max_waiters_)
      return role::refused;
    waiters_.push_back(std::move(done));
    if (in_flight_)
      return role::wait;
    in_flight_ = true;
    return role::start;
  }

  /// Answers every waiter with `result`.
  void land(const outcome<T>& result) {
    std::vector<callback> waiting;
    {
      std::lock_guard<std::mutex> lock{mutex_};
      waiting.swap(waiters_);
      in_flight_ = false;
    }
    for (auto& done : waiting)
      done(result);
  }

private:
  const size_t max_waiters_;
  std::mutex mutex_;
  std::vector<callback> waiters_;
  bool in_flight_ = false;
};

} // namespace runcast::runtime
