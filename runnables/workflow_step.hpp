#pragma once

#include <nlohmann/json.hpp>

#include <regex>
#include <string>
#include <vector>

namespace runcast::runnables {

/// One step of a workflow, as the config file gives it: a component run (`agent`, `team`,
/// `workflow`) or a control block over steps of its own (`parallel`, `condition`, `loop`).
struct workflow_step {
  enum class kind { agent, team, workflow, parallel, condition, loop };

  kind type = kind::agent;
  std::string name;
  std::string target;                ///< the component's id (agent, team, workflow)
  std::vector<workflow_step> steps;  ///< parallel, condition, loop
  std::string pattern_text;          ///< condition's `if`, loop's `until` ("" for none)
  std::regex pattern;                ///< compiled pattern_text
  int max_iterations = 1;            ///< loop

  /// The component kind a run step starts ("agents", "teams", "workflows").
  const char* component_kind() const;

  /// True for agent, team and workflow steps.
  bool runs_component() const;

  /// Parses a `steps` array; `where` names it in errors (e.g. "workflow flow"). Throws
  /// std::invalid_argument when malformed.
  static std::vector<workflow_step> list_from(const nlohmann::json& steps,
                                              const std::string& where);
};

} // namespace runcast::runnables
