#pragma once

#include "core/component.hpp"
#include "core/config_checker.hpp"
#include "core/config_names.hpp"

#include <string>

namespace runcast {

/// Checks one entry of "agents" at `path` against `names` (its runnable must be one of
/// `names.runnables`) and returns its component: spec is the entry without id, name,
/// description, runnable and params, defaults filled in. The component is meaningful only
/// if `check` recorded nothing.
component check_agent(const config_json& agent, const std::string& path,
                      const config_names& names, config_checker& check);

} // namespace runcast
