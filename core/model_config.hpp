#pragma once

#include "core/config_checker.hpp"

#include <string>

namespace runcast {

/// Checks an agent's "model" (runnable "openai") at `path` and returns it with every
/// documented default filled in (docs/configuration.md), so the runnable need not know them.
config_json check_model(const config_json& model, const std::string& path,
                        config_checker& check);

/// Checks an agent's "tools" at `path` (names unique within the agent) and returns them
/// with defaults filled in.
config_json check_tools(const config_json& tools, const std::string& path,
                        config_checker& check);

/// Checks that `url` is an http:// or https:// URL with a host, an optional port and no
/// credentials; records the problem at `path` otherwise.
void check_http_url(const std::string& url, const std::string& path, config_checker& check);

} // namespace runcast
