#include "core/model_config.hpp"

#include <cstdint>
#include <set>

namespace runcast {

namespace {

constexpr int64_t hour_ms = 3'600'000;
constexpr int64_t int32_max = 2'147'483'647;

bool is_tool_name(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '_' || c == '-';
    if (!ok)
      return false;
  }
  return true;
}

config_json check_tool(const config_json& tool, const std::string& path,
                       std::set<std::string>& names, config_checker& check) {
  if (!check.object(tool, path))
    return tool;
  check.known_keys(tool, path,
                   {"name", "description", "parameters", "command", "timeout_ms", "cwd", "env"});
  check.required(tool, path, "name");
  if (auto name = check.string(tool, path, "name")) {
    if (!is_tool_name(*name))
      check.fail(pointer(path, "name"), "must be 1 to 64 of A-Z a-z 0-9 _ -");
    else if (!names.insert(*name).second)
      check.fail(pointer(path, "name"), "duplicate tool name " + json_string(*name));
  }
  check.string(tool, path, "description");
  if (tool.contains("parameters"))
    check.object(tool.at("parameters"), pointer(path, "parameters"));
  check.required(tool, path, "command");
  check.strings(tool, path, "command", true);
  check.integer(tool, path, "timeout_ms", 100, hour_ms);
  check.string(tool, path, "cwd", true);
  check.env_names(tool, path, "env");

  config_json out = tool;
  fill_default(out, "description", "");
  fill_default(out, "parameters",
       config_json{{"type", "object"}, {"properties", config_json::object()}});
  fill_default(out, "timeout_ms", 30'000);
  fill_default(out, "env", config_json::array());
  return out;
}

} // namespace

void check_http_url(const std::string& url, const std::string& path, config_checker& check) {
  auto scheme_end = url.find("://");
  auto scheme = url.substr(0, scheme_end == std::string::npos ? 0 : scheme_end);
  if (scheme != "http" && scheme != "https") {
    check.fail(path, "must be an http:// or https:// URL");
    return;
  }
  auto rest = url.substr(scheme_end + 3);
  auto authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string::npos) {
    // user:password@host is a secret inline; the value is not repeated.
    check.fail(path, "must not contain credentials (user@host): name an environment variable "
                     "in \"api_key_env\"");
    return;
  }
  bool ok = !authority.empty();
  for (char c : url)
    ok = ok && static_cast<unsigned char>(c) > 0x20 && c != 0x7f && c != '#' && c != '?';
  auto colon = authority.rfind(':');
  // A port, unless the colon belongs to a bracketed IPv6 address ("[::1]").
  if (ok && colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
    auto port = authority.substr(colon + 1);
    ok = colon > 0 && !port.empty() && port.size() <= 5
         && port.find_first_not_of("0123456789") == std::string::npos
         && std::stol(port) >= 1 && std::stol(port) <= 65535;
  }
  if (!ok)
    check.fail(path, "must be an http:// or https:// URL (host, optional port, no query)");
}

config_json check_model(const config_json& model, const std::string& path,
                        config_checker& check) {
  if (!check.object(model, path))
    return model;
  check.known_keys(model, path,
                   {"base_url", "model", "api_key_env", "system", "temperature", "max_tokens",
                    "extra_body", "history_runs", "max_tool_rounds", "ca_file",
                    "connect_timeout_ms", "first_token_timeout_ms", "idle_timeout_ms",
                    "max_retries", "retry_backoff_ms"},
                   {"api_key"});
  check.required(model, path, "base_url");
  if (auto url = check.string(model, path, "base_url"))
    check_http_url(*url, pointer(path, "base_url"), check);
  check.required(model, path, "model");
  check.string(model, path, "model", true);
  check.env_name(model, path, "api_key_env");
  check.string(model, path, "system");
  check.number(model, path, "temperature", 0, 2);
  check.integer(model, path, "max_tokens", 1, int32_max);
  if (model.contains("extra_body"))
    check.object(model.at("extra_body"), pointer(path, "extra_body"));
  check.integer(model, path, "history_runs", 0, 50);
  check.integer(model, path, "max_tool_rounds", 0, 20);
  check.string(model, path, "ca_file", true);
  check.integer(model, path, "connect_timeout_ms", 100, 10 * 60'000);
  check.integer(model, path, "first_token_timeout_ms", 100, hour_ms);
  check.integer(model, path, "idle_timeout_ms", 100, hour_ms);
  check.integer(model, path, "max_retries", 0, 10);
  check.integer(model, path, "retry_backoff_ms", 0, 10 * 60'000);

  config_json out = model;
  fill_default(out, "history_runs", 3);
  fill_default(out, "max_tool_rounds", 4);
  fill_default(out, "connect_timeout_ms", 10'000);
  fill_default(out, "first_token_timeout_ms", 60'000);
  fill_default(out, "idle_timeout_ms", 60'000);
  fill_default(out, "max_retries", 3);
  fill_default(out, "retry_backoff_ms", 500);
  return out;
}

config_json check_tools(const config_json& tools, const std::string& path,
                        config_checker& check) {
  if (!check.array(tools, path, false))
    return tools;
  std::set<std::string> names;
  config_json out = config_json::array();
  for (size_t i = 0; i < tools.size(); ++i)
    out.push_back(check_tool(tools[i], pointer(path, i), names, check));
  return out;
}

} // namespace runcast
