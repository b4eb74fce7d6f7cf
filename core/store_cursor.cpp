#include "core/store_cursor.hpp"

#include "core/sse.hpp"

namespace runcast {

store_cursor::store_cursor(int64_t from, gap_announcer announce)
  : cursor_(from), announce_(std::move(announce)) {
}

std::vector<frame_ptr> store_cursor::take(const std::vector<stored_event>& events) {
  std::vector<frame_ptr> frames;
  frames.reserve(events.size());
  for (const auto& ev : events) {
    if (ev.index < cursor_)
      continue; // not asked for (a reader never goes back)
    if (ev.index > cursor_) {
      frames.push_back(make_frame(announce_({cursor_, ev.index - 1})));
      ++gaps_;
    }
    frames.push_back(make_event_frame(ev.index, ev.type, ev.data));
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
