#include "actors/frame_buffer.hpp"

#include <algorithm>
#include <cassert>

namespace runcast::actors {

frame_buffer::frame_buffer(size_t max_frames, size_t max_bytes)
  : max_frames_(max_frames), max_bytes_(max_bytes) {
}

int64_t frame_buffer::append(frame_ptr frame) {
  assert(!frozen_);
  bytes_ += frame->size();
  unpersisted_bytes_ += frame->size();
  frames_.push_back(std::move(frame));
  return end_++;
}

void frame_buffer::mark_persisted(int64_t upto) {
  upto = std::min(upto, end_);
  if (upto <= persisted_)
    return;
  // The frames that just reached the store stop counting as unpersisted. A frame that was
  // dropped cannot be among them: only persisted frames are dropped.
  auto from = std::max(persisted_, first());
  for (auto i = from; i < upto; ++i)
    unpersisted_bytes_ -= frames_[static_cast<size_t>(i - first())]->size();
  persisted_ = upto;
}

size_t frame_buffer::trim() {
  if (frozen_)
    return 0; // read by others now; within the bounds since the trim before freezing
  // The bounds count persisted frames only: the unpersisted ones have their own bound (the
  // producer pauses), and a fast producer's unpersisted frames must not push out the
  // persisted ones a subscriber a little behind the head still reads.
  size_t freed = 0;
  while (first() < persisted_
         && (static_cast<size_t>(persisted_ - first()) > max_frames_
             || bytes_ - unpersisted_bytes_ > max_bytes_)) {
    freed += frames_.front()->size();
    bytes_ -= frames_.front()->size();
    frames_.pop_front();
  }
  return freed;
}

size_t frame_buffer::drop_persisted() {
  if (frozen_) { // every frozen frame is stored
    auto freed = bytes_;
    bytes_ = 0;
    frozen_.reset();
    return freed;
  }
  size_t freed = 0;
  while (!frames_.empty() && first() < persisted_) {
    freed += frames_.front()->size();
    bytes_ -= frames_.front()->size();
    frames_.pop_front();
  }
  return freed;
}

void frame_buffer::copy(int64_t from, int64_t to, std::vector<frame_ptr>& out) const {
  assert(first() <= from && from <= to && to <= end_);
  auto begin = held().begin() + (from - first());
  out.insert(out.end(), begin, begin + (to - from));
}

std::shared_ptr<const frozen_frames> frame_buffer::freeze() {
  assert(persisted_ == end_);
  if (!frozen_) {
    auto first = this->first();
    frozen_ = std::make_shared<const frozen_frames>(frozen_frames{first, std::move(frames_)});
    frames_.clear();
  }
  return frozen_;
}

} // namespace runcast::actors
