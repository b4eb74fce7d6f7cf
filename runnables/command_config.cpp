#include "runnables/command_config.hpp"

#include <cctype>
#include <stdexcept>

namespace runcast::runnables {

namespace {

constexpr const char* placeholder = "{message}";

[[noreturn]] void bad(const std::string& what) {
  throw std::invalid_argument("command runnable: " + what);
}

long bounded_int(const nlohmann::json& cmd, const char* key, long fallback, long lo, long hi) {
  if (!cmd.contains(key))
    return fallback;
  const auto& v = cmd[key];
  if (!v.is_number_integer() || v.get<long>() < lo || v.get<long>() > hi)
    bad(std::string{"\""} + key + "\" must be an integer in [" + std::to_string(lo) + ", " +
        std::to_string(hi) + "]");
  return v.get<long>();
}

bool valid_env_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])))
    return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      return false;
  return true;
}

} // namespace

command_config command_config::from_spec(const nlohmann::json& spec) {
  if (!spec.is_object() || !spec.contains("command") || !spec["command"].is_object())
    bad("the component's spec needs a \"command\" object");
  const auto& cmd = spec["command"];
  for (const auto& [key, value] : cmd.items())
    if (key != "argv" && key != "input" && key != "cwd" && key != "env" &&
        key != "timeout_ms" && key != "kill_grace_ms" && key != "max_output_bytes")
      bad("unknown key \"" + key + "\"");

  command_config c;
  if (!cmd.contains("argv") || !cmd["argv"].is_array() || cmd["argv"].empty())
    bad("\"argv\" must be a non-empty array of strings");
  for (const auto& a : cmd["argv"]) {
    if (!a.is_string())
      bad("\"argv\" must be a non-empty array of strings");
    c.argv.push_back(a.get<std::string>());
  }
  if (c.argv.front().empty())
    bad("argv[0] (the program) must not be empty");
  // The program is the operator's choice alone; a request only ever fills arguments.
  if (c.argv.front().find(placeholder) != std::string::npos)
    bad("argv[0] (the program) must not contain {message}");

  auto input = cmd.value("input", nlohmann::json("stdin"));
  if (input != "stdin" && input != "argument")
    bad("\"input\" must be \"stdin\" or \"argument\"");
  c.message_as_argument = input == "argument";

  if (cmd.contains("cwd")) {
    if (!cmd["cwd"].is_string() || cmd["cwd"].get<std::string>().empty())
      bad("\"cwd\" must be a non-empty string");
    c.cwd = cmd["cwd"].get<std::string>();
  }
  if (cmd.contains("env")) {
    if (!cmd["env"].is_array())
      bad("\"env\" must be an array of variable names");
    c.env.clear();
    for (const auto& e : cmd["env"]) {
      if (!e.is_string() || !valid_env_name(e.get<std::string>()))
        bad("\"env\" must be an array of variable names ([A-Za-z_][A-Za-z0-9_]*)");
      c.env.push_back(e.get<std::string>());
    }
  }
  c.timeout = std::chrono::milliseconds{bounded_int(cmd, "timeout_ms", 300'000, 1, 86'400'000)};
  c.kill_grace = std::chrono::milliseconds{bounded_int(cmd, "kill_grace_ms", 2'000, 0, 60'000)};
  c.max_output_bytes = static_cast<size_t>(
    bounded_int(cmd, "max_output_bytes", 1024 * 1024, 0, 64L * 1024 * 1024));
  return c;
}

std::vector<std::string> command_config::argv_for(const std::string& message) const {
  if (!message_as_argument)
    return argv;
  std::vector<std::string> out;
  const std::string key{placeholder};
  for (const auto& a : argv) {
    std::string s;
    size_t from = 0;
    // Replaced in one pass, so a message that itself contains "{message}" stays as it is.
    for (auto at = a.find(key); at != std::string::npos; at = a.find(key, from)) {
      s.append(a, from, at - from).append(message);
      from = at + key.size();
    }
    s.append(a, from, std::string::npos);
    out.push_back(std::move(s));
  }
  return out;
}

} // namespace runcast::runnables
