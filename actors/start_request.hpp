#pragma once

#include "actors/protocol.hpp"
#include "core/tsan_handoff.hpp"

#include <caf/error.hpp>
#include <caf/sec.hpp>

#include <functional>
#include <memory>

namespace runcast::actors {

/// A plain C++ caller's (runtime::engine's) request to start a run, sent to the run manager
/// in one message (protocol: run_manager_actor.hpp). The manager answers it from its own
/// thread once the store has taken the run (or refused it): no actor per start and no CAF
/// timer, which would hold that actor until it fired. The wait is bounded by the store,
/// which bounds its own writes (docs/operations.md, "Timeouts").
///
/// If the manager never takes the request — it had quit and CAF dropped the message with
/// its mailbox — the destructor answers `request_receiver_down`: the run did not start.
class start_request {
public:
  /// Called once: no error when the run started.
  using callback = std::function<void(const caf::error&)>;

  start_request(run_spec spec, callback done) : spec_(std::move(spec)), done_(std::move(done)) {
    tsan_release(this); // read by the manager, on another thread (core/tsan_handoff.hpp)
  }

  start_request(const start_request&) = delete;
  start_request& operator=(const start_request&) = delete;

  ~start_request() {
    tsan_acquire(this);
    if (done_)
      done_(caf::make_error(caf::sec::request_receiver_down));
  }

  /// The manager takes the run to start (once).
  run_spec take_spec() {
    tsan_acquire(this);
    return std::move(spec_);
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
  run_spec spec_;
  callback done_;
};

using start_request_ptr = std::shared_ptr<start_request>;

} // namespace runcast::actors
