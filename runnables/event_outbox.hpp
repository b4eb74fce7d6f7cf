#pragma once

#include "actors/run_context.hpp"
#include "runnables/beast.hpp"

#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace runcast::runnables {

/// Events a producer has made but the run has not taken yet. `emit` refuses when too many
/// events wait for the run actor; the outbox then keeps them and retries shortly on a
/// timer, never dropping one. Its owner stops reading upstream until `flush` says the
/// outbox is empty, so it holds at most what one read produced. Use on one strand.
///
/// The continuations given to `flush` keep their owner alive while they wait (the owner
/// owns the outbox); they are released when called, or by `stop`, or once the run is over.
class event_outbox {
public:
  /// How long to wait before offering refused events again.
  static constexpr std::chrono::milliseconds retry_delay{10};

  /// An outbox emitting into `ctx`, retrying on a timer of `strand`.
  event_outbox(std::shared_ptr<actors::run_context> ctx,
               net::strand<net::io_context::executor_type> strand);

  /// Queues `ev` (sent on the next `flush`).
  void push(event_draft ev);

  /// Emits what waits, in order, then calls `then` — at once if nothing waits, later (on
  /// the strand) if the run refused some; continuations run in the order given. If the run
  /// is over, `then` is never called.
  void flush(std::function<void()> then);

  /// Stops retrying (the run is over).
  void stop();

  /// True if nothing waits.
  bool empty() const { return queue_.empty(); }

private:
  void drain();

  std::shared_ptr<actors::run_context> ctx_;
  net::steady_timer timer_;
  std::deque<event_draft> queue_;
  std::vector<std::function<void()>> waiting_; ///< continuations of flushes not done yet
  bool retrying_ = false;
  bool stopped_ = false;
};

} // namespace runcast::runnables
