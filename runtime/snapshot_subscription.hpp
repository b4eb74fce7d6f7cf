#pragma once

#include "actors/frame_buffer.hpp"
#include "core/frame_sink.hpp"
#include "core/node_metrics.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

namespace runcast::runtime {

/// A local client's subscription to a finished run whose frames this node's log holds
/// (actors::frozen_frames, shared through the log directory): served on the caller's
/// thread, with no message to the log and no actor hop per window. Like the log, it keeps
/// at most a window of frames in flight: start() sends the first, each credit as many more
/// as were written, and after the last frame the sink's on_end. Thread-safe: one caller at
/// a time delivers (in order), outside the lock, so a sink may credit from within on_frames.
class snapshot_subscription : public subscription {
public:
  snapshot_subscription(std::shared_ptr<const actors::frozen_frames> frames, int64_t from,
                        size_t window, std::shared_ptr<frame_sink> sink,
                        node_metrics& metrics);

  ~snapshot_subscription() override;

  /// The first delivery's most frames (with the meta frame): what a stream's first write
  /// takes. The rest of the window follows the first credit. Each frame handed over is
  /// touched (its count), and in a replay that comes after a while the frames are out of
  /// the caches: a whole window first (1,024 by default) put ~0.1 ms of cache misses before
  /// the client's first event (bench/RESULTS.md, 2026-12-07, evening).
  static constexpr size_t first_window = 16;

  /// Sends `first` (a meta frame; may be null) and the first frames, at most first_window.
  void start(frame_ptr first);

  void credit(size_t n) override;
  void close() override;

private:
  /// Sends `out`, then frames while the window has room; ends after the last one.
  void pump(std::vector<frame_ptr> out);
  /// Lets go of the frames and the sink (the subscription is over); counted once.
  void release();

  std::mutex mutex_;
  std::shared_ptr<const actors::frozen_frames> frames_; ///< null once over
  std::shared_ptr<frame_sink> sink_;
  int64_t cursor_;      ///< the next index to send
  size_t window_;       ///< frames in flight at most
  size_t limit_;        ///< in flight at most now: first_window until the first credit
  size_t in_flight_ = 0; ///< sent and not yet credited
  bool pumping_ = false; ///< a caller is delivering (outside the lock)
  node_metrics& metrics_;
};

} // namespace runcast::runtime
