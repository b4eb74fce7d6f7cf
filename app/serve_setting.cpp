#include "app/serve_setting.hpp"

#include "core/config_checker.hpp"
#include "core/ids.hpp"
#include "core/limit_options.hpp"
#include "http/cors.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace runcast::app {

namespace {

using type = serve_setting::value_type;

void non_empty(const std::string& v) {
  if (v.empty())
    throw std::invalid_argument("must not be empty");
}

/// "h1:p1,h2:p2" → pairs.
std::vector<std::pair<std::string, uint16_t>> parse_peer_list(const std::string& text) {
  std::vector<std::pair<std::string, uint16_t>> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    auto comma = std::min(text.find(',', pos), text.size());
    try {
      out.push_back(parse_peer(text.substr(pos, comma - pos)));
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument("expects host:port,host:port; got " + json_string(text));
    }
    pos = comma + 1;
  }
  return out;
}

serve_setting text(const char* flag, const char* arg, std::string help,
                   std::function<void(serve_options&, const std::string&)> set) {
  return {flag, arg, std::move(help), type::text, 0, 0, std::move(set), {}, false};
}

serve_setting number(const char* flag, std::string help, int64_t min, int64_t max,
                     std::function<void(serve_options&, int64_t)> set) {
  return {flag, "N", std::move(help), type::number, min, max, {}, std::move(set), false};
}

std::vector<serve_setting> make_settings() {
  using o_t = serve_options;
  std::vector<serve_setting> out{
    text("host", "ADDR", "address to listen on (default 127.0.0.1)",
         [](o_t& o, const std::string& v) { non_empty(v); o.host = v; }),
    number("port", "HTTP port; 0 picks a free one (default 7777)", 0, 65535,
           [](o_t& o, int64_t v) { o.port = static_cast<uint16_t>(v); }),
    text("db", "URL", "sqlite:PATH (default sqlite:runcast.db) or postgresql://…",
         [](o_t& o, const std::string& v) { non_empty(v); o.db = v; }),
    {"config", "FILE", "settings and components (docs/configuration.md); default: demo",
     type::path, 0, 0,
     [](o_t& o, const std::string& v) { o.config = v; }, {}, false},
    {"auth-key", "KEY", "require \"Authorization: Bearer KEY\" (or RUNCAST_AUTH_KEY)",
     type::secret, 0, 0, [](o_t& o, const std::string& v) { o.auth_key = v; }, {}, false},
    text("cors-origin", "ORIGINS",
         "let pages of these origins (comma-separated, https://host[:port]) call the API",
         [](o_t& o, const std::string& v) {
           o.cors_origins.clear();
           size_t pos = 0;
           while (pos <= v.size()) {
             auto comma = std::min(v.find(',', pos), v.size());
             auto origin = v.substr(pos, comma - pos);
             http::cors::check_origin(origin);
             o.cors_origins.push_back(origin);
             pos = comma + 1;
           }
         }),
    text("node-id", "ID", "this node's id, recorded as the owner of its runs (default n1)",
         [](o_t& o, const std::string& v) {
           if (!is_valid_id(v))
             throw std::invalid_argument("must be letters, digits, '-', '_', '.', ':'");
           o.node_id = v;
         }),
    number("http-threads", "I/O threads (default 2)", 1, 64,
           [](o_t& o, int64_t v) { o.http_threads = static_cast<size_t>(v); }),
    number("worker-threads", "actor scheduler threads (default 0: one per core, at least 2)",
           0, 64, [](o_t& o, int64_t v) { o.worker_threads = static_cast<size_t>(v); }),
    number("cluster-port", "join a cluster: accept peers on this port (CAF middleman)", 1,
           65535, [](o_t& o, int64_t v) { o.cluster_port = static_cast<uint16_t>(v); }),
    text("cluster-host", "ADDR", "address of the cluster port (default 127.0.0.1)",
         [](o_t& o, const std::string& v) { non_empty(v); o.cluster_host = v; }),
    {"peers", "H:P,H:P", "the other nodes' cluster ports (list every other node)",
     type::peers, 0, 0,
     [](o_t& o, const std::string& v) { o.peers = parse_peer_list(v); }, {}, false},
    {"cluster-secret", "S",
     "shared secret every node must present (or RUNCAST_CLUSTER_SECRET)", type::secret, 0, 0,
     [](o_t& o, const std::string& v) { o.cluster_secret = v; }, {}, false},
    text("log-level", "LEVEL", "trace, debug, info, warn, error (default info)",
         [](o_t& o, const std::string& v) {
           if (v != "trace" && v != "debug" && v != "info" && v != "warn" && v != "error")
             throw std::invalid_argument("must be trace, debug, info, warn or error");
           o.log_level = v;
         }),
    text("log-format", "FORMAT",
         "text, or json: one object per line with run_id/session_id/component (default text)",
         [](o_t& o, const std::string& v) {
           if (v != "text" && v != "json")
             throw std::invalid_argument("must be text or json");
           o.log_format = v;
         }),
    number("bench-agent",
           "1: add the load generator agent `bench` (bench/README.md; default 0)", 0, 1,
           [](o_t& o, int64_t v) { o.bench_agent = v == 1; }),
    number("fault-cut-streams-after",
           "TEST ONLY: drop every SSE stream after N events (default 0: never)", 0, 1'000'000,
           [](o_t& o, int64_t v) { o.fault_cut_streams_after = static_cast<size_t>(v); }),
  };
  for (const auto& l : limit_options()) {
    auto s = number(l.flag, l.help, l.min, l.max,
                    [&l](o_t& o, int64_t v) { set_value(l, o.lim, v); });
    s.limit = true;
    out.push_back(std::move(s));
  }
  return out;
}

} // namespace

std::string serve_setting::key() const {
  std::string k = flag;
  for (auto& c : k)
    if (c == '-')
      c = '_';
  return k;
}

const std::vector<serve_setting>& serve_settings() {
  static const std::vector<serve_setting> settings = make_settings();
  return settings;
}

std::string serve_settings_help() {
  std::string out;
  for (const auto& s : serve_settings()) {
    if (s.limit)
      continue;
    std::string flag = std::string{"  --"} + s.flag + " " + s.arg;
    char line[512];
    std::snprintf(line, sizeof line, "%-26s %s\n", flag.c_str(), s.help.c_str());
    out += line;
  }
  return out;
}

std::pair<std::string, uint16_t> parse_peer(const std::string& text) {
  auto colon = text.rfind(':');
  if (text.empty() || colon == std::string::npos || colon == 0)
    throw std::invalid_argument("expects host:port; got " + json_string(text));
  auto port_text = text.substr(colon + 1);
  long port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port < 1
      || port > 65535)
    throw std::invalid_argument("expects host:port with a port from 1 to 65535; got "
                                + json_string(text));
  return {text.substr(0, colon), static_cast<uint16_t>(port)};
}

} // namespace runcast::app
