#pragma once

#include "core/config_checker.hpp"

#include <map>
#include <string>
#include <vector>

namespace runcast {

/// Which workflows each workflow's steps run (through any nesting), to find cycles: a
/// workflow that reaches itself would start child runs without end.
class workflow_graph {
public:
  /// Deepest step nesting followed (and accepted by the step checks).
  static constexpr int max_depth = 32;

  /// Reads the "workflows" array as given; malformed parts are skipped (the step checks
  /// report them), and of two workflows with one id the first counts.
  explicit workflow_graph(const config_json& workflows);

  /// The cycle a step of `owner` naming `target` closes — {owner, target, …, owner}, the
  /// shortest one — or empty if `target` does not reach `owner`.
  std::vector<std::string> cycle_through(const std::string& owner,
                                         const std::string& target) const;

private:
  /// Adds the workflows `steps` names (recursively) to `out`.
  static void collect(const config_json& steps, std::vector<std::string>& out, int depth);

  std::map<std::string, std::vector<std::string>> edges_; ///< id → workflows it runs
};

} // namespace runcast
