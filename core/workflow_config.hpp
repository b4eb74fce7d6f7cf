#pragma once

#include "core/component.hpp"
#include "core/config_checker.hpp"
#include "core/config_names.hpp"
#include "core/workflow_graph.hpp"

#include <string>

namespace runcast {

/// Checks one entry of "workflows" at `path`: its steps (recursively) name existing agents,
/// teams and workflows of `names`, their regexes compile (std::regex ECMAScript), and no
/// step closes a cycle of `graph`. Returns its component: runnable "workflow", spec
/// {steps} as given. Meaningful only if `check` recorded nothing.
component check_workflow(const config_json& workflow, const std::string& path,
                         const config_names& names, const workflow_graph& graph,
                         config_checker& check);

} // namespace runcast
