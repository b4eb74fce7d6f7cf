#pragma once

#include "core/frame.hpp"

#include <cstddef>
#include <vector>

namespace runcast::http {

/// The frames an sse_stream has yet to write, oldest first. A vector read from a moving head,
/// not a std::deque: libstdc++'s deque allocates a 512-byte block and its map as soon as it
/// is constructed and keeps them, which was a tenth of what an idle SSE connection costs.
/// This holds a few slots at most while empty and lets a burst's go once it is written.
class frame_queue {
public:
  struct entry {
    frame_ptr frame;
    bool counted; ///< came through sse_stream::send, so its writing is credited
  };

  void push(frame_ptr frame, bool counted) {
    entries_.push_back({std::move(frame), counted});
  }

  entry& front() {
    return entries_[head_];
  }

  /// Drops the front entry. Once all are gone, storage beyond `kept_slots` is released; the
  /// consumed prefix is compacted away when it is most of the vector.
  void pop() {
    entries_[head_].frame.reset();
    if (++head_ == entries_.size()) {
      head_ = 0;
      if (entries_.capacity() > kept_slots)
        std::vector<entry>{}.swap(entries_);
      else
        entries_.clear();
    } else if (head_ >= 64 && head_ * 2 >= entries_.size()) {
      entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

  size_t size() const {
    return entries_.size() - head_;
  }

  bool empty() const {
    return size() == 0;
  }

  /// Slots allocated (for tests: what an empty queue keeps).
  size_t capacity() const {
    return entries_.capacity();
  }

  void clear() {
    std::vector<entry>{}.swap(entries_);
    head_ = 0;
  }

private:
  /// Slots an empty queue keeps (4 KiB): a live stream's batches reuse them, a burst's
  /// thousands are given back.
  static constexpr size_t kept_slots = 256;

  std::vector<entry> entries_;
  size_t head_ = 0; ///< entries before it have been popped
};

} // namespace runcast::http
