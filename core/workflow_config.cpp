#include "core/workflow_config.hpp"

#include "core/component_config.hpp"

#include <regex>

namespace runcast {

namespace {

/// What one workflow's step checks share.
struct step_scope {
  const std::string& owner; ///< the workflow being checked
  const config_names& names;
  const workflow_graph& graph;
  config_checker& check;
};

void check_steps(const config_json& steps, const std::string& path, const step_scope& s,
                 int depth);

void check_regex(const config_json& obj, const std::string& path, const char* key,
                 config_checker& check) {
  auto text = check.string(obj, path, key);
  if (!text)
    return;
  try {
    std::regex{*text, std::regex::ECMAScript};
  } catch (const std::regex_error& e) {
    check.fail(pointer(path, key), std::string{"invalid regex: "} + e.what());
  }
}

/// A step's "agent", "team" or "workflow" names one the file declares.
void check_reference(const config_json& step, const std::string& path, const char* key,
                     const step_scope& s) {
  auto id = s.check.string(step, path, key);
  if (!id)
    return;
  const auto& known = std::string{key} == "agent" ? s.names.agents
                      : std::string{key} == "team" ? s.names.teams
                                                   : s.names.workflows;
  if (known.count(*id) == 0) {
    s.check.fail(pointer(path, key), std::string{"no "} + key + " " + json_string(*id));
    return;
  }
  if (std::string{key} != "workflow" || s.owner.empty())
    return;
  auto cycle = s.graph.cycle_through(s.owner, *id);
  if (cycle.empty())
    return;
  std::string text;
  for (const auto& w : cycle)
    text += (text.empty() ? "" : " -> ") + w;
  s.check.fail(pointer(path, key), "cycle: " + text);
}

void check_step(const config_json& step, const std::string& path, const step_scope& s,
                int depth) {
  auto& check = s.check;
  // Bounded: the checks recurse, and so would whatever runs the steps.
  if (depth > workflow_graph::max_depth) {
    check.fail(path, "steps nest deeper than " + std::to_string(workflow_graph::max_depth)
                       + " levels");
    return;
  }
  if (!check.object(step, path))
    return;
  static const std::vector<std::string_view> kinds{"agent",    "team",      "workflow",
                                                   "parallel", "condition", "loop"};
  std::vector<std::string_view> keys{"name"};
  keys.insert(keys.end(), kinds.begin(), kinds.end());
  check.known_keys(step, path, keys);
  check.required(step, path, "name");
  check.string(step, path, "name", true);
  size_t given = 0;
  for (auto k : kinds)
    given += step.contains(std::string{k}) ? 1 : 0;
  if (given != 1) {
    check.fail(path, "needs exactly one of \"agent\", \"team\", \"workflow\", \"parallel\", "
                     "\"condition\", \"loop\"");
    return;
  }
  for (const char* ref : {"agent", "team", "workflow"})
    if (step.contains(ref))
      check_reference(step, path, ref, s);
  if (step.contains("parallel")) {
    auto at = pointer(path, "parallel");
    if (check.array(step.at("parallel"), at, true))
      for (size_t i = 0; i < step.at("parallel").size(); ++i)
        check_step(step.at("parallel")[i], pointer(at, i), s, depth + 1);
  }
  if (step.contains("condition")) {
    const auto& c = step.at("condition");
    auto at = pointer(path, "condition");
    if (check.object(c, at)) {
      check.known_keys(c, at, {"if", "steps"});
      check.required(c, at, "if");
      check_regex(c, at, "if", check);
      if (check.required(c, at, "steps"))
        check_steps(c.at("steps"), pointer(at, "steps"), s, depth + 1);
    }
  }
  if (step.contains("loop")) {
    const auto& l = step.at("loop");
    auto at = pointer(path, "loop");
    if (check.object(l, at)) {
      check.known_keys(l, at, {"steps", "max_iterations", "until"});
      if (check.required(l, at, "steps"))
        check_steps(l.at("steps"), pointer(at, "steps"), s, depth + 1);
      check.required(l, at, "max_iterations");
      check.integer(l, at, "max_iterations", 1, 100);
      check_regex(l, at, "until", check);
    }
  }
}

void check_steps(const config_json& steps, const std::string& path, const step_scope& s,
                 int depth) {
  if (!s.check.array(steps, path, true))
    return;
  for (size_t i = 0; i < steps.size(); ++i)
    check_step(steps[i], pointer(path, i), s, depth);
}

} // namespace

component check_workflow(const config_json& workflow, const std::string& path,
                         const config_names& names, const workflow_graph& graph,
                         config_checker& check) {
  if (!check.object(workflow, path))
    return {};
  check.known_keys(workflow, path, {"id", "name", "description", "steps"});
  auto c = check_component_header(workflow, path, "workflows", check);
  c.runnable = "workflow";
  if (check.required(workflow, path, "steps"))
    check_steps(workflow.at("steps"), pointer(path, "steps"), {c.id, names, graph, check}, 0);
  if (workflow.contains("steps"))
    c.spec = {{"steps", to_plain_json(workflow.at("steps"))}};
  return c;
}

} // namespace runcast
