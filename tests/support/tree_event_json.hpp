#pragma once

// The tree-building event encoder runcast used before core/event_encoder.hpp: the reference
// the encoder's tests hold it to, and the "before" of bench/encode_bench.cpp.

#include "core/event_json.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace runcast::test {

inline std::string tree_event_json(const event_context& ctx, const event_draft& ev,
                                   int64_t index, int64_t created_at) {
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
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace runcast::test
