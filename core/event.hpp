#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace runcast {

/// Event type names, as the reference server spells them.
namespace event_types {
constexpr const char* run_started = "RunStarted";
constexpr const char* run_content = "RunContent";
constexpr const char* run_completed = "RunCompleted";
constexpr const char* run_error = "RunError";
constexpr const char* run_cancelled = "RunCancelled";
} // namespace event_types

/// What a runnable emits: a type and optional content. The event log gives it its index.
struct event_draft {
  std::string type;
  std::optional<std::string> content;
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

} // namespace runcast
