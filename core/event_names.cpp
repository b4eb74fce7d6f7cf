#include "core/event_names.hpp"

namespace runcast {

const event_names& names_for_kind(std::string_view kind) {
  static const event_names agents{"RunStarted", "RunContent", "RunCompleted", "RunError",
                                  "RunCancelled"};
  static const event_names teams{"TeamRunStarted", "TeamRunContent", "TeamRunCompleted",
                                 "TeamRunError", "TeamRunCancelled"};
  static const event_names workflows{"WorkflowStarted", "RunContent", "WorkflowCompleted",
                                     "WorkflowError", "WorkflowCancelled"};
  if (kind == "teams")
    return teams;
  if (kind == "workflows")
    return workflows;
  return agents;
}

} // namespace runcast
