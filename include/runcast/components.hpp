#pragma once

/// @file
/// The agents, teams and workflows a runtime offers, and the runnables that execute them:
/// the same model as the config file (`docs/configuration.md`), built in code.

#include "runcast/runnable.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace runcast {

/// A set of components and of the runnables they name. Starts with runcast's built-in
/// runnables (`echo`, `command`, `openai`, `team`, `workflow`) and no components.
class components {
public:
  /// No components; the built-in runnables.
  components();

  /// The demo set `runcast serve` offers without a config: agent `echo`, team `echo-team`,
  /// workflow `echo-flow`.
  static components demo();

  /// The components of a config file, checked as `runcast check-config` checks it. Throws
  /// std::invalid_argument listing every problem (`/agents/2/model: unknown key "modle"`).
  /// Runnables registered before the call may be named by the file's agents.
  components& load_file(const std::string& path);

  /// Adds an agent run by `runnable` with default `params` (request fields go over them)
  /// and an operator `spec` (a model, a command; never overridden by a request).
  components& agent(std::string id, std::string name, std::string runnable,
                    nlohmann::json params = nlohmann::json::object(),
                    nlohmann::json spec = nlohmann::json::object());

  /// Adds a team of agents: `mode` "parallel" (every member gets the message) or
  /// "sequential" (each gets the previous one's output).
  components& team(std::string id, std::string name, std::vector<std::string> members,
                   std::string mode = "parallel");

  /// Adds a workflow: `steps` as a config file's `steps` array.
  components& workflow(std::string id, std::string name, nlohmann::json steps);

  /// Adds any component (kind "agents", "teams" or "workflows"). Throws
  /// std::invalid_argument for an unknown kind or a duplicate id.
  components& add(component c);

  /// Registers a runnable of any shape under `name`; throws std::invalid_argument if the
  /// name is taken.
  components& runnable(const std::string& name, runnable_factory factory);

  /// Registers a plain function as the runnable `name` (see `function_body`). Every
  /// function of this set runs on one pool of `function_threads()` threads.
  components& function(const std::string& name, function_body body);

  /// Sets the size of the functions' thread pool (default 4; at least 1), before the first
  /// `function()`. Runs past it wait for a thread.
  components& function_threads(std::size_t n);

  /// Registers the caller's CAF actor type as the runnable `name`: `spawn` makes one actor
  /// per run in the runtime's actor system.
  components& actor(const std::string& name,
                    std::function<runnable_actor(caf::actor_system&)> spawn);

  /// Internal: what a node is built from (api/component_parts.hpp).
  struct parts;

private:
  friend class node;
  std::shared_ptr<parts> parts_;
};

} // namespace runcast
