#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace runcast::runnables {

/// A `command` component's configuration, from its spec's "command" object (the operator's,
/// never a request's):
/// `{"argv": [...], "input": "stdin"|"argument", "cwd": "dir", "env": ["NAME", ...],
///   "timeout_ms": 300000, "kill_grace_ms": 2000, "max_output_bytes": 1048576}`.
struct command_config {
  std::vector<std::string> argv;    ///< the program and its arguments; never from a request
  bool message_as_argument = false; ///< "input": "argument": "{message}" in argv, empty stdin
  std::string cwd;                  ///< empty: the server's working directory
  std::vector<std::string> env{"PATH", "HOME", "LANG", "LC_ALL", "TZ"}; ///< passed on
  std::chrono::milliseconds timeout{300'000}; ///< then the group is terminated, the run fails
  std::chrono::milliseconds kill_grace{2'000}; ///< SIGTERM to SIGKILL
  size_t max_output_bytes = 1024 * 1024; ///< of the completed event's content

  /// Reads `spec["command"]`; throws std::invalid_argument saying what is wrong.
  static command_config from_spec(const nlohmann::json& spec);

  /// The argv of a run with `message`: with `message_as_argument`, every "{message}" inside
  /// an element replaced by it; otherwise `argv` as configured.
  std::vector<std::string> argv_for(const std::string& message) const;
};

} // namespace runcast::runnables
