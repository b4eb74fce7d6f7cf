#pragma once

#include "core/sse.hpp"

#include <string>
#include <vector>

namespace runcast {

/// Where a subscription delivers: implemented by an SSE connection (http/) or a test.
/// Called one call at a time and in order: from CAF worker threads by the run's event log
/// (a local client's) or the subscription's actor, or, for a finished run held in memory,
/// from the threads that subscribe and credit (runtime/snapshot_subscription.hpp);
/// `on_not_found` may also come from the thread that subscribed, before `subscribe`
/// returns. Implementations must not block: they hand the work to their own executor. They
/// may credit their subscription from within `on_frames`.
class frame_sink {
public:
  virtual ~frame_sink() = default;

  /// The run has no event log to follow: serve it from the store instead. `lost_owner`
  /// names the owner node when it is unreachable (the store may lack its last events).
  virtual void on_not_found(const std::string& lost_owner) = 0;

  /// Frames to write, in order. Call `subscription::credit` once they are written.
  virtual void on_frames(std::vector<frame_ptr> frames) = 0;

  /// The subscription is over. `last` (may be null) is a final frame to write first;
  /// `abort` means drop the connection without a clean end so the client resumes.
  virtual void on_end(frame_ptr last, bool abort) = 0;
};

/// The HTTP side's handle on a subscription. Thread-safe; closing is idempotent and also
/// happens on destruction.
class subscription {
public:
  virtual ~subscription() = default;

  /// `n` frames were written to the client: the log may send that many more.
  virtual void credit(size_t n) = 0;

  /// The client is gone: stop sending.
  virtual void close() = 0;
};

} // namespace runcast
