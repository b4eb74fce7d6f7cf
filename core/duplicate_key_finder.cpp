#include "core/duplicate_key_finder.hpp"

namespace runcast {

config_json::parser_callback_t duplicate_key_finder::callback() {
  return [this](int, config_json::parse_event_t event, config_json& parsed) {
    on_event(event, parsed);
    return true;
  };
}

std::string duplicate_key_finder::child_path() {
  if (frames_.empty())
    return "";
  auto& top = frames_.back();
  return top.array ? pointer(top.path, top.next_index++) : pointer(top.path, top.key);
}

void duplicate_key_finder::on_event(config_json::parse_event_t event,
                                    const config_json& parsed) {
  using e = config_json::parse_event_t;
  switch (event) {
    case e::object_start:
    case e::array_start: {
      frame f;
      f.array = event == e::array_start;
      f.path = child_path();
      frames_.push_back(std::move(f));
      break;
    }
    case e::object_end:
    case e::array_end:
      if (!frames_.empty())
        frames_.pop_back();
      break;
    case e::key:
      if (!frames_.empty() && parsed.is_string()) {
        auto& top = frames_.back();
        top.key = parsed.get<std::string>();
        if (!top.keys.insert(top.key).second)
          errors_.push_back({top.path, "duplicate key " + json_string(top.key)});
      }
      break;
    case e::value:
      if (!frames_.empty() && frames_.back().array)
        ++frames_.back().next_index;
      break;
  }
}

} // namespace runcast
