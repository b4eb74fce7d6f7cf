#include "runnables/workflow_step.hpp"

#include <stdexcept>

namespace runcast::runnables {

namespace {

std::regex compile(const std::string& text, const std::string& where) {
  try {
    return std::regex{text, std::regex::ECMAScript};
  } catch (const std::regex_error& e) {
    throw std::invalid_argument(where + ": invalid regex \"" + text + "\": " + e.what());
  }
}

const nlohmann::json& required(const nlohmann::json& j, const char* key,
                               const std::string& where) {
  if (!j.is_object() || !j.contains(key))
    throw std::invalid_argument(where + ": " + key + " is required");
  return j.at(key);
}

workflow_step step_from(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object())
    throw std::invalid_argument(where + ": a step must be an object");
  workflow_step s;
  s.name = j.value("name", std::string{});
  if (s.name.empty())
    throw std::invalid_argument(where + ": name is required");
  auto in = where + " (" + s.name + ")";
  using k = workflow_step::kind;
  if (j.contains("agent") || j.contains("team") || j.contains("workflow")) {
    const char* key = j.contains("agent") ? "agent" : j.contains("team") ? "team" : "workflow";
    s.type = key[0] == 'a' ? k::agent : key[0] == 't' ? k::team : k::workflow;
    if (!j.at(key).is_string())
      throw std::invalid_argument(in + ": " + key + " must be an id");
    s.target = j.at(key).get<std::string>();
  } else if (j.contains("parallel")) {
    s.type = k::parallel;
    s.steps = workflow_step::list_from(j.at("parallel"), in);
  } else if (j.contains("condition")) {
    s.type = k::condition;
    const auto& c = j.at("condition");
    s.pattern_text = required(c, "if", in).get<std::string>();
    s.pattern = compile(s.pattern_text, in);
    s.steps = workflow_step::list_from(required(c, "steps", in), in);
  } else if (j.contains("loop")) {
    s.type = k::loop;
    const auto& l = j.at("loop");
    s.steps = workflow_step::list_from(required(l, "steps", in), in);
    const auto& max = required(l, "max_iterations", in);
    if (!max.is_number_integer() || max.get<int>() < 1 || max.get<int>() > 100)
      throw std::invalid_argument(in + ": max_iterations must be between 1 and 100");
    s.max_iterations = max.get<int>();
    s.pattern_text = l.value("until", std::string{});
    if (!s.pattern_text.empty())
      s.pattern = compile(s.pattern_text, in);
  } else {
    throw std::invalid_argument(in + ": a step needs agent, team, workflow, parallel, "
                                     "condition or loop");
  }
  return s;
}

} // namespace

const char* workflow_step::component_kind() const {
  return type == kind::team ? "teams" : type == kind::workflow ? "workflows" : "agents";
}

bool workflow_step::runs_component() const {
  return type == kind::agent || type == kind::team || type == kind::workflow;
}

std::vector<workflow_step> workflow_step::list_from(const nlohmann::json& steps,
                                                    const std::string& where) {
  if (!steps.is_array() || steps.empty())
    throw std::invalid_argument(where + ": steps must be a non-empty array");
  std::vector<workflow_step> out;
  for (size_t i = 0; i < steps.size(); ++i)
    out.push_back(step_from(steps.at(i), where + " step " + std::to_string(i)));
  return out;
}

} // namespace runcast::runnables
