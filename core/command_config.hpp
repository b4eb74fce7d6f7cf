#pragma once

#include "core/config_checker.hpp"

#include <string>

namespace runcast {

/// Checks an agent's "command" (runnable "command") at `path` and returns it with every
/// documented default filled in (docs/configuration.md).
config_json check_command(const config_json& command, const std::string& path,
                          config_checker& check);

} // namespace runcast
