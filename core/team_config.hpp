#pragma once

#include "core/component.hpp"
#include "core/config_checker.hpp"
#include "core/config_names.hpp"

#include <string>

namespace runcast {

/// Checks one entry of "teams" at `path` (every member an agent of `names`) and returns its
/// component: runnable "team", spec {mode, members, on_member_error} with defaults filled
/// in. Meaningful only if `check` recorded nothing.
component check_team(const config_json& team, const std::string& path,
                     const config_names& names, config_checker& check);

} // namespace runcast
