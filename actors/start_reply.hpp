#pragma once

#include "core/tsan_handoff.hpp"

#include <caf/error.hpp>
#include <caf/sec.hpp>

#include <functional>
#include <memory>

namespace runcast::actors {

/// How a plain C++ caller (runtime::engine) learns whether the run manager started a run,
/// sent along with the `start` (protocol: run_manager_actor.hpp). The manager answers it
/// from its own thread once the store has taken the run (or refused it): no actor per start
/// and no CAF timer, which would hold that actor until it fired. The wait is bounded by the
/// store, which bounds its writes (docs/operations.md, "Timeouts").
///
/// If the manager never takes the start — it had quit and CAF dropped the message with its
/// mailbox — the destructor answers `request_receiver_down`: the run did not start.
class start_reply {
public:
  /// Called once: no error when the run started.
  using callback = std::function<void(const caf::error&)>;

  explicit start_reply(callback done) : done_(std::move(done)) {
    tsan_release(this); // answered by the manager, on another thread (core/tsan_handoff.hpp)
  }

  start_reply(const start_reply&) = delete;
  start_reply& operator=(const start_reply&) = delete;

  ~start_reply() {
    tsan_acquire(this);
    if (done_)
      done_(caf::make_error(caf::sec::request_receiver_down));
  }

  /// The manager's answer; later calls do nothing.
  void deliver(const caf::error& err) {
    tsan_acquire(this);
    if (auto done = std::move(done_)) {
      done_ = nullptr;
      done(err);
    }
  }

private:
  callback done_;
};

using start_reply_ptr = std::shared_ptr<start_reply>;

} // namespace runcast::actors
