#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace runcast {

/// An encoded SSE frame. Built once and shared by every subscriber that sends it.
using frame_ptr = std::shared_ptr<const std::string>;

/// Wraps an encoded frame for sharing.
inline frame_ptr make_frame(std::string encoded) {
  return std::make_shared<const std::string>(std::move(encoded));
}

/// `id: <index>\nevent: <type>\ndata: <data>\n\n`. `data` must be one line (compact JSON).
std::string encode_event_frame(int64_t index, std::string_view type, std::string_view data);

/// A meta frame (`catch_up`, `replay`, `subscribed`, `error`): no `id:` line, so it never
/// moves a browser's Last-Event-ID.
std::string encode_meta_frame(std::string_view type, std::string_view data);

/// A comment line (`: keepalive`), ignored by every SSE parser; keeps idle proxies open.
std::string encode_comment(std::string_view text);

/// `retry: <ms>`: the reconnect delay a browser's EventSource should use.
std::string encode_retry(std::chrono::milliseconds delay);

} // namespace runcast
