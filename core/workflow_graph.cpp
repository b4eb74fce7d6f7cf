#include "core/workflow_graph.hpp"

#include <deque>

namespace runcast {

workflow_graph::workflow_graph(const config_json& workflows) {
  if (!workflows.is_array())
    return;
  for (const auto& w : workflows) {
    if (!w.is_object() || !w.contains("id") || !w.at("id").is_string())
      continue;
    auto id = w.at("id").get<std::string>();
    if (edges_.count(id) != 0)
      continue;
    auto& out = edges_[id];
    if (w.contains("steps"))
      collect(w.at("steps"), out, 0);
  }
}

void workflow_graph::collect(const config_json& steps, std::vector<std::string>& out,
                             int depth) {
  if (!steps.is_array() || depth > max_depth)
    return;
  for (const auto& step : steps) {
    if (!step.is_object())
      continue;
    if (step.contains("workflow") && step.at("workflow").is_string())
      out.push_back(step.at("workflow").get<std::string>());
    if (step.contains("parallel"))
      collect(step.at("parallel"), out, depth + 1);
    for (const char* nested : {"condition", "loop"})
      if (step.contains(nested) && step.at(nested).is_object()
          && step.at(nested).contains("steps"))
        collect(step.at(nested).at("steps"), out, depth + 1);
  }
}

std::vector<std::string> workflow_graph::cycle_through(const std::string& owner,
                                                       const std::string& target) const {
  // Breadth first from target: the first time owner is reached is the shortest way back.
  std::map<std::string, std::string> came_from{{target, ""}};
  std::deque<std::string> queue{target};
  bool found = target == owner;
  while (!found && !queue.empty()) {
    auto at = queue.front();
    queue.pop_front();
    auto i = edges_.find(at);
    if (i == edges_.end())
      continue;
    for (const auto& next : i->second) {
      if (came_from.count(next) != 0)
        continue;
      came_from[next] = at;
      if (next == owner) {
        found = true;
        break;
      }
      queue.push_back(next);
    }
  }
  if (!found)
    return {};
  std::vector<std::string> back; // owner, …, target (walking came_from backwards)
  if (target != owner)
    for (auto at = owner; !at.empty(); at = came_from[at])
      back.push_back(at);
  else
    back.push_back(owner);
  std::vector<std::string> cycle{owner};
  cycle.insert(cycle.end(), back.rbegin(), back.rend());
  return cycle;
}

} // namespace runcast
