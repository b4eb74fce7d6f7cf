#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace runcast {

/// Event type names, as the reference server spells them.
namespace event_types {
constexpr const char* run_started = "RunStarted";
constexpr const char* run_content = "RunContent";
constexpr const char* run_completed = "RunCompleted";
constexpr const char* run_error = "RunError";
constexpr const char* run_cancelled = "RunCancelled";
} // namespace event_types

/// What a runnable emits: a type, optional content and optional further fields (a team
/// member's `member_id`, a workflow step's `step_name`, a tool call's `tool_name`, a
/// completion's `metrics`). The event log gives it its index.
struct event_draft {
  event_draft() = default;
  event_draft(std::string t, std::optional<std::string> c = std::nullopt,
              nlohmann::ordered_json f = {})
    : type(std::move(t)), content(std::move(c)), fields(std::move(f)) {
  }

  std::string type;
  std::optional<std::string> content;
  /// An object (or null: none), written after `session_id` in its own order. Keys the event
  /// itself carries (`event`, `run_id`, `content`, `event_index`, …) are never overridden.
  nlohmann::ordered_json fields;
};

/// An event as persisted: `data` is the exact JSON sent on the wire, so a replay from the
/// store is byte-identical to a replay from memory.
struct stored_event {
  std::string run_id;
  int64_t index = 0;
  std::string type;
  std::string data;
  double created_at = 0;
};

/// A stored event seen where a store read it (its read buffer): what store::visit_events
/// hands over, valid only for the call it is passed to. Its run is the one asked for.
struct stored_event_view {
  int64_t index = 0;
  std::string_view type;
  std::string_view data;
  double created_at = 0;
};

} // namespace runcast
