#pragma once

#include "actors/run_context.hpp"
#include "core/event.hpp"

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace runcast::runnables {

/// The one way out for a composite run's events (a team's, a workflow's): its own events
/// and its children's, re-tagged, in one order through its run context. When the context is
/// full (`run_context::emit` refuses: its log asked for a pause), children are held back —
/// `offer` says no and the child run waits — while the composite's own few events wait in a
/// small queue and go out first once there is room. The run's end waits for that queue too.
/// Thread-safe: children's handlers run on several runtime threads at once.
class event_relay : public std::enable_shared_from_this<event_relay> {
public:
  explicit event_relay(std::shared_ptr<actors::run_context> ctx);

  /// A child's event: true if it was emitted (or the run is over and it is dropped), false
  /// if there is no room now — offer it again later.
  bool offer(event_draft& ev);

  /// The composite's own event: emitted now, or as soon as there is room.
  void push(event_draft ev);

  /// Ends the run COMPLETED with `output` once every queued event is out.
  void complete(std::string output);

  /// Ends the run ERROR with `error` once every queued event is out.
  void fail(std::string error);

  /// The run context.
  actors::run_context& context() {
    return *ctx_;
  }

private:
  struct ending {
    bool ok = false;
    std::string text;
    bool handed_on = false;
  };

  /// Emits what is queued, then the end; re-arms the timer if the context is still full.
  /// Needs mutex_.
  void flush_locked();

  /// Tries again shortly (the context gives no signal when it has room again).
  void retry_later_locked();

  std::shared_ptr<actors::run_context> ctx_;
  std::mutex mutex_;
  std::deque<event_draft> queued_;
  std::optional<ending> end_;
  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;
};

} // namespace runcast::runnables
