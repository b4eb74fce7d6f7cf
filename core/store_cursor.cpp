#include "core/store_cursor.hpp"

#include "core/sse.hpp"

namespace runcast {

store_cursor::store_cursor(int64_t from, gap_announcer announce)
  : cursor_(from), announce_(std::move(announce)) {
}

std::vector<frame_ptr> store_cursor::take(std::vector<stored_frame> events) {
  std::vector<frame_ptr> frames;
  frames.reserve(events.size());
  for (auto& ev : events) {
    if (ev.index < cursor_)
      continue; // not asked for (a reader never goes back)
    if (ev.index > cursor_) {
      frames.push_back(make_frame(announce_({cursor_, ev.index - 1})));
      ++gaps_;
    }
    frames.push_back(std::move(ev.frame));
    cursor_ = ev.index + 1;
  }
  return frames;
}

frame_ptr store_cursor::finish(int64_t end) {
  if (cursor_ >= end)
    return nullptr;
  auto frame = make_frame(announce_({cursor_, end - 1}));
  ++gaps_;
  cursor_ = end;
  return frame;
}

} // namespace runcast
