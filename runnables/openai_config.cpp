#include "runnables/openai_config.hpp"

#include <boost/url/parse.hpp>

#include <stdexcept>

namespace runcast::runnables {

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw std::invalid_argument("openai runnable: " + what);
}

std::string string_field(const nlohmann::json& obj, const char* name, bool required) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) {
    if (required)
      bad(std::string{name} + " is required");
    return {};
  }
  if (!it->is_string())
    bad(std::string{name} + " must be a string");
  return it->get<std::string>();
}

long int_field(const nlohmann::json& obj, const char* name, long fallback, long lo, long hi) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null())
    return fallback;
  if (!it->is_number_integer())
    bad(std::string{name} + " must be an integer");
  auto v = it->get<long>();
  if (v < lo || v > hi)
    bad(std::string{name} + " must be between " + std::to_string(lo) + " and " +
        std::to_string(hi));
  return v;
}

std::chrono::milliseconds ms_field(const nlohmann::json& obj, const char* name, long fallback) {
  return std::chrono::milliseconds{int_field(obj, name, fallback, 1, 3'600'000)};
}

// Splits base_url into what the connection needs; the loader checks it too, but a factory
// must not trust that another component did its job.
void parse_base_url(openai_config& cfg) {
  auto parsed = boost::urls::parse_uri(cfg.base_url);
  if (!parsed)
    bad("base_url is not a URL: " + parsed.error().message());
  auto scheme = std::string{parsed->scheme()};
  if (scheme != "http" && scheme != "https")
    bad("base_url must start with http:// or https://");
  cfg.tls = scheme == "https";
  cfg.host = std::string{parsed->host_address()};
  if (cfg.host.empty())
    bad("base_url has no host");
  if (parsed->has_userinfo() || parsed->has_query() || parsed->has_fragment())
    bad("base_url must not have user info, a query or a fragment");
  cfg.port = parsed->has_port() ? std::string{parsed->port()} : (cfg.tls ? "443" : "80");
  std::string path{parsed->encoded_path()};
  while (!path.empty() && path.back() == '/')
    path.pop_back();
  cfg.target = path + "/chat/completions";
}

tool_spec parse_tool(const nlohmann::json& t) {
  if (!t.is_object())
    bad("each tool must be an object");
  tool_spec tool;
  tool.name = string_field(t, "name", true);
  if (tool.name.empty() || tool.name.size() > 64)
    bad("a tool name must have 1 to 64 characters");
  tool.description = string_field(t, "description", false);
  if (auto p = t.find("parameters"); p != t.end() && !p->is_null()) {
    if (!p->is_object())
      bad("tool " + tool.name + ": parameters must be an object (a JSON schema)");
    tool.parameters = *p;
  } else {
    tool.parameters = {{"type", "object"}, {"properties", nlohmann::json::object()}};
  }
  auto cmd = t.find("command");
  if (cmd == t.end() || !cmd->is_array() || cmd->empty())
    bad("tool " + tool.name + ": command must be a non-empty array of strings");
  for (const auto& arg : *cmd) {
    if (!arg.is_string())
      bad("tool " + tool.name + ": command must be a non-empty array of strings");
    tool.command.push_back(arg.get<std::string>());
  }
  tool.timeout = ms_field(t, "timeout_ms", 30'000);
  tool.cwd = string_field(t, "cwd", false);
  if (auto env = t.find("env"); env != t.end() && !env->is_null()) {
    if (!env->is_array())
      bad("tool " + tool.name + ": env must be an array of variable names");
    tool.env.clear();
    for (const auto& name : *env) {
      if (!name.is_string() || name.get<std::string>().empty())
        bad("tool " + tool.name + ": env must be an array of variable names");
      tool.env.push_back(name.get<std::string>());
    }
  }
  return tool;
}

} // namespace

openai_config openai_config::from_component(const component& c) {
  if (!c.spec.is_object() || !c.spec.contains("model") || !c.spec["model"].is_object())
    bad("spec.model must be an object");
  const auto& m = c.spec["model"];
  openai_config cfg;
  cfg.base_url = string_field(m, "base_url", true);
  parse_base_url(cfg);
  cfg.model = string_field(m, "model", true);
  if (cfg.model.empty())
    bad("model must not be empty");
  cfg.api_key_env = string_field(m, "api_key_env", false);
  if (m.contains("system") && !m["system"].is_null())
    cfg.system = string_field(m, "system", false);
  if (auto t = m.find("temperature"); t != m.end() && !t->is_null()) {
    if (!t->is_number() || t->get<double>() < 0 || t->get<double>() > 2)
      bad("temperature must be a number between 0 and 2");
    cfg.temperature = t->get<double>();
  }
  if (m.contains("max_tokens") && !m["max_tokens"].is_null())
    cfg.max_tokens = int_field(m, "max_tokens", 0, 1, 10'000'000);
  if (auto e = m.find("extra_body"); e != m.end() && !e->is_null()) {
    if (!e->is_object())
      bad("extra_body must be an object");
    cfg.extra_body = *e;
  }
  cfg.history_runs = static_cast<size_t>(int_field(m, "history_runs", 3, 0, 100));
  cfg.max_tool_rounds = static_cast<int>(int_field(m, "max_tool_rounds", 4, 0, 100));
  cfg.ca_file = string_field(m, "ca_file", false);
  cfg.connect_timeout = ms_field(m, "connect_timeout_ms", 10'000);
  cfg.first_token_timeout = ms_field(m, "first_token_timeout_ms", 60'000);
  cfg.idle_timeout = ms_field(m, "idle_timeout_ms", 60'000);
  cfg.max_retries = static_cast<int>(int_field(m, "max_retries", 3, 0, 20));
  cfg.retry_backoff = std::chrono::milliseconds{int_field(m, "retry_backoff_ms", 500, 0, 60'000)};
  if (auto tools = c.spec.find("tools"); tools != c.spec.end() && !tools->is_null()) {
    if (!tools->is_array())
      bad("spec.tools must be an array");
    for (const auto& t : *tools) {
      auto tool = parse_tool(t);
      if (cfg.find_tool(tool.name))
        bad("two tools are called " + tool.name);
      cfg.tools.push_back(std::move(tool));
    }
  }
  return cfg;
}

const tool_spec* openai_config::find_tool(const std::string& name) const {
  for (const auto& t : tools)
    if (t.name == name)
      return &t;
  return nullptr;
}

} // namespace runcast::runnables
