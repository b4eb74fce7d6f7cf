#include "core/agent_config.hpp"

#include "core/command_config.hpp"
#include "core/component_config.hpp"
#include "core/model_config.hpp"

namespace runcast {

namespace {

/// The runnable an agent names, or the one its sections imply; "" if none.
std::string runnable_of(const config_json& agent, const std::string& path,
                        const config_names& names, config_checker& check) {
  std::string runnable;
  std::string at = pointer(path, "runnable");
  if (agent.contains("runnable")) {
    runnable = check.string(agent, path, "runnable").value_or("");
    if (runnable.empty())
      return "";
  } else if (agent.contains("model") || agent.contains("command")) {
    runnable = agent.contains("model") ? "openai" : "command";
    at = path; // implied: there is no "runnable" to point at
  } else {
    check.fail(path, "runnable is required");
    return "";
  }
  if (names.runnables.count(runnable) == 0) {
    std::string known;
    for (const auto& name : names.runnables)
      known += (known.empty() ? "" : ", ") + json_string(name);
    check.fail(at, "unknown runnable " + json_string(runnable) + " (known: " + known + ")");
  }
  return runnable;
}

/// Echo's one parameter; other runnables' params are theirs to check.
void check_params(const config_json& agent, const std::string& path,
                  const std::string& runnable, config_checker& check) {
  if (!agent.contains("params"))
    return;
  auto at = pointer(path, "params");
  if (!check.object(agent.at("params"), at) || runnable != "echo")
    return;
  check.known_keys(agent.at("params"), at, {"delay_ms"});
  check.integer(agent.at("params"), at, "delay_ms", 0, 60'000);
}

} // namespace

component check_agent(const config_json& agent, const std::string& path,
                      const config_names& names, config_checker& check) {
  if (!check.object(agent, path))
    return {};
  check.known_keys(agent, path,
                   {"id", "name", "description", "runnable", "params", "model", "tools",
                    "command"});
  auto c = check_component_header(agent, path, "agents", check);
  c.runnable = runnable_of(agent, path, names, check);
  check_params(agent, path, c.runnable, check);
  if (agent.contains("params") && agent.at("params").is_object())
    c.params = to_plain_json(agent.at("params"));

  config_json spec = config_json::object();
  bool openai = c.runnable == "openai";
  if (agent.contains("model")) {
    if (openai)
      spec["model"] = check_model(agent.at("model"), pointer(path, "model"), check);
    else
      check.fail(pointer(path, "model"), "only for runnable \"openai\"");
  } else if (openai) {
    check.required(agent, path, "model");
  }
  if (agent.contains("tools")) {
    if (openai && agent.contains("model"))
      spec["tools"] = check_tools(agent.at("tools"), pointer(path, "tools"), check);
    else
      check.fail(pointer(path, "tools"), "only for agents with a \"model\"");
  } else if (openai) {
    spec["tools"] = config_json::array();
  }
  if (agent.contains("command")) {
    if (c.runnable == "command")
      spec["command"] = check_command(agent.at("command"), pointer(path, "command"), check);
    else
      check.fail(pointer(path, "command"), "only for runnable \"command\"");
  } else if (c.runnable == "command") {
    check.required(agent, path, "command");
  }
  c.spec = to_plain_json(spec);
  return c;
}

} // namespace runcast
