#pragma once

#include <string>
#include <string_view>

namespace runcast {

/// The lifecycle event names of a component kind: agents emit `Run*`, teams `TeamRun*`,
/// workflows `Workflow*` (their steps' content is the agents' `RunContent`). The run actor
/// emits started/completed/error/cancelled; a runnable emits content (and anything else).
struct event_names {
  std::string started;
  std::string content;
  std::string completed;
  std::string error;
  std::string cancelled;
};

/// The names for "agents", "teams" or "workflows" (an unknown kind gets the agents' names).
const event_names& names_for_kind(std::string_view kind);

} // namespace runcast
