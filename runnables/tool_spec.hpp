#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace runcast::runnables {

/// A tool an agent may call, as the operator configured it (`component.spec["tools"][i]`):
/// what the model is told (`name`, `description`, `parameters`) and how it is executed
/// (`command`, `timeout`, `cwd`, `env`), which is the tool runner's business.
struct tool_spec {
  std::string name;
  std::string description;
  nlohmann::json parameters = nlohmann::json::object(); ///< a JSON schema (object)
  std::vector<std::string> command;                      ///< argv; argv[0] the program
  std::chrono::milliseconds timeout{30'000};
  std::string cwd;                                       ///< empty: the server's
  /// The server's variables the program gets, by name (an allow-list, as a command agent's
  /// `env`; nothing else is passed). Absent from the spec: PATH, HOME, LANG, LC_ALL, TZ.
  std::vector<std::string> env = {"PATH", "HOME", "LANG", "LC_ALL", "TZ"};
};

} // namespace runcast::runnables
