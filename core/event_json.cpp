#include "core/event_json.hpp"

#include <nlohmann/json.hpp>

namespace runcast {

std::string_view singular_kind(std::string_view kind) {
  if (kind == "teams")
    return "team";
  if (kind == "workflows")
    return "workflow";
  return "agent";
}

std::string encode_event_data(const event_context& ctx, const event_draft& ev, int64_t index,
                              int64_t created_at) {
  // ordered_json keeps insertion order, which is the wire order clients see.
  nlohmann::ordered_json j;
  auto kind = std::string{singular_kind(ctx.kind)};
  j["created_at"] = created_at;
  j["event"] = ev.type;
  j[kind + "_id"] = ctx.component_id;
  j[kind + "_name"] = ctx.component_name;
  j["run_id"] = ctx.run_id;
  j["session_id"] = ctx.session_id;
  if (ev.fields.is_object())
    for (const auto& [key, value] : ev.fields.items())
      if (!j.contains(key) && key != "content" && key != "event_index")
        j[key] = value;
  if (ev.content)
    j["content"] = *ev.content;
  j["event_index"] = index;
  // Replace invalid UTF-8 instead of throwing: runnable output is not ours to trust.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace runcast
