#include "core/command_config.hpp"

#include <cstdint>

namespace runcast {

config_json check_command(const config_json& command, const std::string& path,
                          config_checker& check) {
  if (!check.object(command, path))
    return command;
  check.known_keys(command, path,
                   {"argv", "input", "cwd", "env", "timeout_ms", "kill_grace_ms",
                    "max_output_bytes"});
  check.required(command, path, "argv");
  auto argv = check.strings(command, path, "argv", true);
  auto input = check.choice(command, path, "input", {"stdin", "argument"});
  if (argv && input == "argument") {
    bool placeholder = false;
    for (const auto& arg : *argv)
      placeholder = placeholder || arg.find("{message}") != std::string::npos;
    if (!placeholder)
      check.fail(pointer(path, "argv"),
                 "\"input\": \"argument\" needs \"{message}\" in an argument");
  }
  check.string(command, path, "cwd", true);
  check.env_names(command, path, "env");
  check.integer(command, path, "timeout_ms", 100, int64_t{24} * 3'600'000);
  check.integer(command, path, "kill_grace_ms", 0, 10 * 60'000);
  check.integer(command, path, "max_output_bytes", 1, int64_t{1} << 30);

  config_json out = command;
  fill_default(out, "input", "stdin");
  fill_default(out, "env", config_json::array());
  fill_default(out, "timeout_ms", 300'000);
  fill_default(out, "kill_grace_ms", 2'000);
  fill_default(out, "max_output_bytes", 1'048'576);
  return out;
}

} // namespace runcast
