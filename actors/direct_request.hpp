#pragma once

#include "core/frame_sink.hpp"
#include "core/tsan_handoff.hpp"

#include <atomic>
#include <cstdint>
#include <memory>

namespace runcast::actors {

/// A local client's request to follow a run, sent to the run's event log in one message
/// (protocol: event_log_actor.hpp). The log keeps the sink and calls it itself, from its own
/// thread: no actor per client and no round trip before the first frame.
///
/// If the log never takes the request — it had quit, or quit before reading the message,
/// and CAF dropped the message with its mailbox — the request's destructor tells the sink
/// "not found": the run is then all in the store (a log quits only once everything it held
/// is persisted, or with the node).
class direct_request {
public:
  direct_request(uint64_t id, std::shared_ptr<frame_sink> sink, int64_t from, bool meta,
                 std::shared_ptr<const std::atomic<bool>> closed)
    : id_(id), sink_(std::move(sink)), from_(from), meta_(meta), closed_(std::move(closed)) {
    tsan_release(this); // read by the log, on another thread (core/tsan_handoff.hpp)
  }

  direct_request(const direct_request&) = delete;
  direct_request& operator=(const direct_request&) = delete;

  ~direct_request() {
    tsan_acquire(this);
    if (sink_)
      sink_->on_not_found({});
  }

  /// What the request asks (read after take()).
  uint64_t id() const {
    return id_;
  }
  int64_t from() const {
    return from_;
  }
  bool meta() const {
    return meta_;
  }

  /// The client left before the log read the request.
  bool client_left() const {
    return closed_->load(std::memory_order_acquire);
  }

  /// The log takes the sink: from now on it ends the subscription itself (or, if the
  /// client left, drops it), and the request no longer reports "not found".
  std::shared_ptr<frame_sink> take() {
    tsan_acquire(this);
    return std::move(sink_);
  }

private:
  uint64_t id_;
  std::shared_ptr<frame_sink> sink_;
  int64_t from_;
  bool meta_;
  std::shared_ptr<const std::atomic<bool>> closed_;
};

using direct_request_ptr = std::shared_ptr<direct_request>;

} // namespace runcast::actors
