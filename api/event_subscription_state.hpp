#pragma once

// A node's in-process subscription (not installed): the frame sink runcast's event logs
// deliver to, turned into run_event callbacks; from the store when no log holds the run.

#include "runcast/node.hpp"

#include "core/frame_sink.hpp"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace runcast {

struct event_subscription::state : frame_sink,
                                   std::enable_shared_from_this<event_subscription::state> {
  state(::runcast::runtime::engine& engine, std::string run_id, int64_t next,
        event_handler handler);

  void on_not_found(const std::string& lost_owner) override;
  void on_frames(std::vector<frame_ptr> frames) override;
  void on_end(frame_ptr last, bool abort) override;

  /// The log's subscription, once there is one (closed at once if `close` came first).
  void attach(std::shared_ptr<subscription> sub);

  /// Ends with `end` unless closed or ended already.
  void finish(const subscription_end& end);

  /// No handler call begins after this returns.
  void close();

  /// Reads the store from `next` on, a page at a time, then ends.
  void read_store(std::string lost_owner);

  ::runcast::runtime::engine& engine;
  const std::string run_id;

private:
  /// Delivers one SSE frame if it is an event at or after `next_` (meta frames are not).
  void deliver(std::string_view frame);

  std::recursive_mutex mutex_; ///< held around handler calls; close() takes it too
  event_handler handler_;
  int64_t next_;               ///< the next index to deliver
  bool done_ = false;          ///< closed or ended
  std::shared_ptr<subscription> sub_;
  /// Frames delivered before `attach` (a finished run held in memory is served from within
  /// `subscribe`): credited once the subscription is known, or its window never moves.
  size_t uncredited_ = 0;
};

} // namespace runcast
