#pragma once

#include "core/frame_sink.hpp"

#include <functional>
#include <memory>
#include <mutex>

namespace runcast::http {

/// For the blocking mode (no stream, no background): follows a run's events without sending
/// them anywhere, crediting each batch at once, and calls `done` when the run has ended and
/// its final status is persisted.
class completion_sink : public frame_sink {
public:
  explicit completion_sink(std::function<void()> done);

  /// Where credits go; frames that arrive before it is known are credited then.
  void set_subscription(std::shared_ptr<subscription> sub);

  void on_not_found(const std::string& lost_owner) override;
  void on_frames(std::vector<frame_ptr> frames) override;
  void on_end(frame_ptr last, bool abort) override;

private:
  std::function<void()> done_;
  std::mutex mutex_;
  std::shared_ptr<subscription> sub_;
  size_t uncredited_ = 0;
};

} // namespace runcast::http
