#include "app/cli.hpp"

#include "app/config_invalid.hpp"
#include "app/serve_setting.hpp"
#include "app/server_section.hpp"
#include "core/config_checker.hpp"
#include "core/config_file.hpp"
#include "core/limit_options.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace runcast::app {

namespace {

long long parse_number(const std::string& flag, const std::string& text, long long lo,
                       long long hi) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < lo || value > hi)
    throw std::invalid_argument(flag + " expects a number between " + std::to_string(lo)
                                + " and " + std::to_string(hi) + ", got " + json_string(text));
  return value;
}

/// Sets `--flag value` in `o`; throws std::invalid_argument naming the flag.
void apply_flag(serve_options& o, const std::string& flag, const std::string& value) {
  for (const auto& s : serve_settings()) {
    if (flag != std::string{"--"} + s.flag)
      continue;
    if (s.type == serve_setting::value_type::number) {
      s.set_number(o, parse_number(flag, value, s.min, s.max));
      return;
    }
    try {
      s.set_text(o, value);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(flag + " " + e.what());
    }
    return;
  }
  throw std::invalid_argument("unknown option '" + flag + "'; try 'runcast --help'");
}

/// The file's problems as lines prefixed with its name.
std::vector<std::string> error_lines(const std::string& path, const config_file& file) {
  std::vector<std::string> lines;
  for (const auto& e : file.errors())
    lines.push_back(path + ": " + e.to_string());
  return lines;
}

/// Loads a config file, its "server" section applied to `o`.
config_file load_config(const std::string& path, const std::set<std::string>& runnables,
                        serve_options& o, bool resolve_secrets) {
  return config_file::load(path, runnables,
                           [&o, resolve_secrets](const config_json& server,
                                                 const std::string& at, config_checker& c) {
                             apply_server_section(server, at, c, o, resolve_secrets);
                           });
}

command check_config(const std::vector<std::string>& args,
                     const std::set<std::string>& runnables) {
  if (args.size() != 2)
    throw std::invalid_argument("usage: runcast check-config FILE");
  command cmd;
  cmd.kind = command::check_config;
  auto file = load_config(args[1], runnables, cmd.serve_opts, false);
  cmd.config_errors = error_lines(args[1], file);
  cmd.components = file.components();
  if (file.ok())
    cmd.config_summary = args[1] + ": ok (" + file.summary() + ")";
  return cmd;
}

} // namespace

std::string usage() {
  return R"(runcast — background agent runs streamed as resumable Server-Sent Events

usage:
  runcast serve [options]
  runcast check-config FILE   check a config file: every problem, or a summary (exit 0/1)
  runcast --help | --version

serve options (each is also a key of a config file's "server" section, '_' for '-';
secrets there are named by "auth_key_env" / "cluster_secret_env"; flags override the file):
)" + serve_settings_help()
         + "\nlimits (numbers; -ms options are milliseconds):\n" + limit_options_help();
}

command parse_command_line(const std::vector<std::string>& args,
                           const std::set<std::string>& runnables) {
  command cmd;
  if (args.empty())
    throw std::invalid_argument("missing command; try 'runcast --help'");
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    cmd.kind = command::help;
    return cmd;
  }
  if (args[0] == "--version") {
    cmd.kind = command::version;
    return cmd;
  }
  if (args[0] == "check-config")
    return check_config(args, runnables);
  if (args[0] != "serve")
    throw std::invalid_argument("unknown command '" + args[0] + "'; try 'runcast --help'");
  cmd.kind = command::serve;
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      cmd.kind = command::help;
      return cmd;
    }
  auto& o = cmd.serve_opts;
  // The file first, so that the environment and the flags override it.
  for (size_t i = 1; i + 1 < args.size(); i += 2)
    if (args[i] == "--config")
      o.config = args[i + 1];
  if (!o.config.empty()) {
    auto file = load_config(o.config, runnables, o, true);
    if (!file.ok())
      throw config_invalid(error_lines(o.config, file));
    cmd.components = file.components();
  }
  // Set but empty counts as unset: it must not switch off a key the file's *_env gave.
  if (const char* key = std::getenv("RUNCAST_AUTH_KEY"); key != nullptr && *key != '\0')
    o.auth_key = key;
  if (const char* secret = std::getenv("RUNCAST_CLUSTER_SECRET");
      secret != nullptr && *secret != '\0')
    o.cluster_secret = secret;
  for (size_t i = 1; i < args.size(); ++i) {
    const auto& flag = args[i];
    if (i + 1 >= args.size())
      throw std::invalid_argument(flag.rfind("--", 0) == 0 ? flag + " needs a value"
                                                          : "unexpected argument '" + flag + "'");
    apply_flag(o, flag, args[++i]);
  }
  if (!o.peers.empty() && o.cluster_port == 0)
    throw std::invalid_argument("--peers needs --cluster-port (or the keys peers and "
                                "cluster_port of the config file)");
  if (o.cluster_port != 0 && o.cluster_secret.empty())
    throw std::invalid_argument("--cluster-port needs --cluster-secret (or "
                                "RUNCAST_CLUSTER_SECRET, or cluster_secret_env in the config "
                                "file)");
  return cmd;
}

} // namespace runcast::app
