#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

namespace runcast::actors {

/// One subscriber's flow control: at most `size` frames in flight (sent, not yet credited
/// back by the connection that writes them), and since when the window has been full while
/// frames were waiting — a subscriber held back for too long is cut off (it may resume from
/// its cursor), so a client that stops reading costs a window of frames, never more.
/// Plain C++, no actor: the event log keeps one per subscriber.
class flow_window {
public:
  using clock = std::chrono::steady_clock;

  explicit flow_window(size_t size) : size_(size) {
  }

  /// Frames that may be sent now.
  size_t room() const {
    return in_flight_ >= size_ ? 0 : size_ - in_flight_;
  }

  size_t in_flight() const {
    return in_flight_;
  }

  /// `n` frames went out.
  void sent(size_t n) {
    in_flight_ += n;
  }

  /// The connection wrote `n` frames (never more than are in flight).
  void credited(size_t n) {
    in_flight_ -= n < in_flight_ ? n : in_flight_;
  }

  /// Records whether frames wait that the full window holds back.
  void update(bool frames_waiting, clock::time_point now) {
    if (frames_waiting && room() == 0) {
      if (!blocked_since_)
        blocked_since_ = now;
    } else {
      blocked_since_.reset();
    }
  }

  bool blocked() const {
    return blocked_since_.has_value();
  }

  /// Held back for at least `timeout`.
  bool stalled(clock::time_point now, std::chrono::milliseconds timeout) const {
    return blocked_since_ && now - *blocked_since_ >= timeout;
  }

private:
  size_t size_;
  size_t in_flight_ = 0;
  std::optional<clock::time_point> blocked_since_;
};

} // namespace runcast::actors
