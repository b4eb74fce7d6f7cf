#pragma once

#include "core/sse.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace runcast::actors {

/// The frames a finished run's log holds, read-only from then on: threads outside the
/// actor system (an SSE connection's) may read them without a message to the log.
struct frozen_frames {
  int64_t first = 0;            ///< the index of frames.front()
  std::deque<frame_ptr> frames; ///< every one of them stored

  int64_t end() const {
    return first + static_cast<int64_t>(frames.size());
  }
};

/// The frames of one run that the event log keeps in memory, in index order, encoded once.
///
/// Three marks split the indices: [first(), end()) are in memory; [0, persisted()) are in
/// the store; [persisted(), end()) are published but not yet stored. Only persisted frames
/// may be streamed (a crash must never give a streamed index other content), and only
/// persisted frames are ever dropped (what memory lets go of, the store serves), so the
/// bounds hold for persisted frames; unpersisted ones are bounded by pausing the producer.
/// Plain C++, no actor: the event log (actors/event_log.hpp) is its only user.
class frame_buffer {
public:
  /// Keeps at most `max_frames` frames and `max_bytes` bytes of persisted frames, beside
  /// the unpersisted ones (which the producer's pause bounds).
  frame_buffer(size_t max_frames, size_t max_bytes);

  /// Appends the frame of the next index and returns that index.
  int64_t append(frame_ptr frame);

  /// The store holds [0, upto): those frames may be streamed and, over the bounds, dropped.
  void mark_persisted(int64_t upto);

  /// Drops the oldest persisted frames while over a bound; returns the bytes freed.
  size_t trim();

  /// Drops every persisted frame (the node needs the memory back; the store serves them).
  size_t drop_persisted();

  /// Appends the frames [from, to) to `out`; both must lie in [first(), end()].
  void copy(int64_t from, int64_t to, std::vector<frame_ptr>& out) const;

  /// Makes what memory holds read-only and shares it: for a finished run whose every frame
  /// is stored (persisted() == end()). Nothing is appended or trimmed after this; dropping
  /// (drop_persisted) lets go of the shared frames, which live on while a reader holds them.
  std::shared_ptr<const frozen_frames> freeze();

  int64_t first() const {
    return end_ - static_cast<int64_t>(held().size());
  }
  int64_t end() const {
    return end_;
  }
  int64_t persisted() const {
    return persisted_;
  }
  size_t size() const {
    return held().size();
  }
  /// Bytes of every frame in memory.
  size_t bytes() const {
    return bytes_;
  }
  /// Bytes of the frames not yet in the store.
  size_t unpersisted_bytes() const {
    return unpersisted_bytes_;
  }

private:
  const std::deque<frame_ptr>& held() const {
    return frozen_ ? frozen_->frames : frames_;
  }

  size_t max_frames_;
  size_t max_bytes_;
  std::deque<frame_ptr> frames_;
  std::shared_ptr<const frozen_frames> frozen_; ///< once frozen, the frames are here
  int64_t end_ = 0;
  int64_t persisted_ = 0;
  size_t bytes_ = 0;
  size_t unpersisted_bytes_ = 0;
};

} // namespace runcast::actors
