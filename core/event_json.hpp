#pragma once

#include "core/event.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace runcast {

/// Who an event belongs to: the fields every event of one run repeats.
struct event_context {
  std::string run_id;
  std::string session_id;
  std::string kind;           ///< "agents", "teams" or "workflows"
  std::string component_id;   ///< e.g. "echo"
  std::string component_name; ///< e.g. "Echo Agent"
};

/// "agent" for "agents", "team" for "teams", "workflow" for "workflows".
std::string_view singular_kind(std::string_view kind);

/// The one-line JSON `data:` of an event, fields in the reference server's order:
/// created_at, event, <kind>_id, <kind>_name, run_id, session_id, the draft's own fields,
/// content (omitted when absent), event_index last. A run's events are better written with
/// one event_encoder (core/event_encoder.hpp), which escapes the run's fields once.
std::string encode_event_data(const event_context& ctx, const event_draft& ev, int64_t index,
                              int64_t created_at);

} // namespace runcast
