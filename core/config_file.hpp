#pragma once

#include "core/component.hpp"
#include "core/config_checker.hpp"
#include "core/config_error.hpp"

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace runcast {

/// Checks a config file's "server" section at `path` and records its problems; the
/// application supplies it (its keys are the command line's flags, app/serve_setting.hpp).
using server_section_check =
  std::function<void(const config_json& server, const std::string& path, config_checker&)>;

/// A configuration file (`runcast serve --config FILE`, `runcast check-config FILE`),
/// checked whole: every problem is collected, in document order, each naming the JSON
/// pointer of the value at fault. docs/configuration.md describes every key.
class config_file {
public:
  /// Largest file read: a config is hand-written; anything bigger is a mistake.
  static constexpr size_t max_bytes = 16 * 1024 * 1024;

  /// Parses and checks `text`. An agent's runnable must be one of `runnables` (the names
  /// the binary registered; "team" and "workflow" run teams and workflows and are not
  /// agents' runnables). `check_server` checks the "server" section; without it that
  /// section need only be an object.
  static config_file parse(const std::string& text, const std::set<std::string>& runnables,
                           const server_section_check& check_server = {});

  /// Reads `path` and parses it as `parse` does; an unreadable file is one error.
  static config_file load(const std::string& path, const std::set<std::string>& runnables,
                          const server_section_check& check_server = {});

  /// True if nothing is wrong.
  bool ok() const { return errors_.empty(); }

  /// Every problem, in document order.
  const std::vector<config_error>& errors() const { return errors_; }

  /// The agents, teams and workflows, in file order; empty unless ok().
  const std::vector<component>& components() const { return components_; }

  /// How many components of `kind` ("agents", "teams", "workflows") the file declares.
  size_t count(std::string_view kind) const;

  /// "2 agents, 1 team, 1 workflow".
  std::string summary() const;

private:
  std::vector<config_error> errors_;
  std::vector<component> components_;
};

} // namespace runcast
