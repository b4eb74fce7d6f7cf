#pragma once

#include "app/serve_options.hpp"
#include "core/component.hpp"

#include <set>
#include <string>
#include <vector>

namespace runcast::app {

/// What the command line asked for.
struct command {
  enum kind_t { serve, check_config, help, version } kind = help;
  serve_options serve_opts;           ///< serve
  std::vector<component> components;  ///< serve --config, check-config: the file's
  std::vector<std::string> config_errors; ///< check-config: "FILE: /path: problem" lines
  std::string config_summary;         ///< check-config, no errors: "FILE: ok (2 agents, …)"
};

/// Parses argv. `runnables`: what a config file's agents may name (the binary's registry
/// plus "team" and "workflow"); used only with a config file. `serve --config FILE` reads
/// FILE first, then the environment's secrets (RUNCAST_AUTH_KEY, RUNCAST_CLUSTER_SECRET),
/// then the flags, each over the one before. Throws config_invalid (app/config_invalid.hpp)
/// for a bad config file with serve, and std::invalid_argument with a message for the user
/// on any other bad input.
command parse_command_line(const std::vector<std::string>& args,
                           const std::set<std::string>& runnables = {});

/// The --help text.
std::string usage();

} // namespace runcast::app
