#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace runcast {

/// A configured agent, team or workflow: what `GET /{kind}` lists and what a run executes.
struct component {
  std::string kind;          ///< "agents", "teams" or "workflows"
  std::string id;            ///< unique within its kind
  std::string name;
  std::string description;
  std::string runnable;      ///< which runnable executes it ("echo")
  nlohmann::json params;     ///< runnable defaults (e.g. {"delay_ms": 20}); object; a
                             ///< request's form fields go over them
  nlohmann::json spec = {};  ///< the runnable's configuration (a model, a command, a team's
                             ///< members, a workflow's steps): the operator's, never a request's

  /// The public JSON description (`id`, `name`, `description`, `runnable`).
  nlohmann::json to_json() const;
};

} // namespace runcast
