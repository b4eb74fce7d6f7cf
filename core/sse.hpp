#pragma once

#include "core/frame.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace runcast {

/// Wraps an encoded frame for sharing (a copy of its bytes in a frame of their own).
inline frame_ptr make_frame(std::string_view encoded) {
  return frame::make(encoded);
}

/// Where an event frame's type and data lie in it.
struct event_frame_layout {
  uint32_t type_at = 0;
  uint32_t type_size = 0;
  uint32_t data_at = 0;
  uint32_t data_size = 0;
};

/// `id: <index>\nevent: <type>\ndata: <data>\n\n`. `data` must be one line (compact JSON).
std::string encode_event_frame(int64_t index, std::string_view type, std::string_view data);

/// The frame encode_event_frame encodes, built in place: one allocation, no string between
/// (a replay from the store makes one per event).
frame_ptr make_event_frame(int64_t index, std::string_view type, std::string_view data);

/// An event's frame as a store replay reads it, with the event's index (which the cursor
/// of the replay needs to notice holes).
struct stored_frame {
  int64_t index = 0;
  frame_ptr frame;
};

/// A meta frame (`catch_up`, `replay`, `subscribed`, `error`): no `id:` line, so it never
/// moves a browser's Last-Event-ID.
std::string encode_meta_frame(std::string_view type, std::string_view data);

/// A comment line (`: keepalive`), ignored by every SSE parser; keeps idle proxies open.
std::string encode_comment(std::string_view text);

/// `retry: <ms>`: the reconnect delay a browser's EventSource should use.
std::string encode_retry(std::chrono::milliseconds delay);

} // namespace runcast
