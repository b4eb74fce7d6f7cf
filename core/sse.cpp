#include "core/sse.hpp"

#include <charconv>

namespace runcast {

std::string encode_event_frame(int64_t index, std::string_view type, std::string_view data) {
  auto id = std::to_string(index);
  std::string out;
  out.reserve(4 + id.size() + 8 + type.size() + 7 + data.size() + 2);
  out.append("id: ").append(id);
  out.append("\nevent: ").append(type);
  out.append("\ndata: ").append(data);
  out.append("\n\n");
  return out;
}

frame_ptr make_event_frame(int64_t index, std::string_view type, std::string_view data) {
  char id[24];
  auto [end, ec] = std::to_chars(id, id + sizeof id, index);
  (void)ec; // 24 chars hold any int64
  return frame::make({"id: ", {id, static_cast<size_t>(end - id)}, "\nevent: ", type, "\ndata: ",
                      data, "\n\n"});
}

std::string encode_meta_frame(std::string_view type, std::string_view data) {
  std::string out;
  out.reserve(7 + type.size() + 7 + data.size() + 2);
  out.append("event: ").append(type);
  out.append("\ndata: ").append(data);
  out.append("\n\n");
  return out;
}

std::string encode_comment(std::string_view text) {
  std::string out;
  out.append(": ").append(text).append("\n\n");
  return out;
}

std::string encode_retry(std::chrono::milliseconds delay) {
  return "retry: " + std::to_string(delay.count()) + "\n\n";
}

} // namespace runcast
