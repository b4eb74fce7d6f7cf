#pragma once

#include "app/serve_options.hpp"
#include "core/config_checker.hpp"

#include <string>

namespace runcast::app {

/// Checks a config file's "server" section at `path` and applies it to `o`. Its keys are
/// the keys of serve_settings() (a flag with '_' for '-'); a secret is never inline: its
/// "<key>_env" names the environment variable that holds it. `resolve_secrets`: read those
/// variables (serve needs them set); otherwise only their names are checked (check-config).
void apply_server_section(const config_json& server, const std::string& path,
                          config_checker& check, serve_options& o, bool resolve_secrets);

} // namespace runcast::app
