#include "app/cli.hpp"

#include "core/ids.hpp"
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
                                + " and " + std::to_string(hi) + ", got '" + text + "'");
  return value;
}

/// "h1:p1,h2:p2" → pairs.
std::vector<std::pair<std::string, uint16_t>> parse_peers(const std::string& text) {
  std::vector<std::pair<std::string, uint16_t>> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    auto comma = std::min(text.find(',', pos), text.size());
    auto item = text.substr(pos, comma - pos);
    auto colon = item.rfind(':');
    if (item.empty() || colon == std::string::npos || colon == 0)
      throw std::invalid_argument("--peers expects host:port,host:port; got '" + text + "'");
    out.emplace_back(item.substr(0, colon),
                     static_cast<uint16_t>(parse_number("--peers", item.substr(colon + 1), 1, 65535)));
    pos = comma + 1;
  }
  return out;
}

/// `--flag value` for an option of `limits`; false if `flag` is none of them.
bool set_limit(limits& lim, const std::string& flag, const std::string& value) {
  for (const auto& o : limit_options())
    if (flag == std::string{"--"} + o.flag) {
      set_value(o, lim, parse_number(flag, value, o.min, o.max));
      return true;
    }
  return false;
}

} // namespace

std::string usage() {
  return R"(runcast — background agent runs streamed as resumable Server-Sent Events

usage:
  runcast serve [options]
  runcast --help | --version

serve options:
  --host ADDR              address to listen on (default 127.0.0.1)
  --port N                 HTTP port; 0 picks a free one (default 7777)
  --db URL                 sqlite:PATH (default sqlite:runcast.db) or postgresql://…
  --config FILE            components (JSON); default: demo agent "echo"
  --auth-key KEY           require "Authorization: Bearer KEY" (or RUNCAST_AUTH_KEY)
  --node-id ID             this node's id, recorded as the owner of its runs (default n1)
  --http-threads N         I/O threads (default 2)
  --cluster-port N         join a cluster: accept peers on this port (CAF middleman)
  --cluster-host ADDR      address of the cluster port (default 127.0.0.1)
  --peers H:P,H:P          the other nodes' cluster ports (list every other node)
  --cluster-secret S       shared secret every node must present (or RUNCAST_CLUSTER_SECRET)
  --log-level LEVEL        trace, debug, info, warn, error (default info)

limits (numbers; -ms options are milliseconds):
)" + limit_options_help();
}

command parse_command_line(const std::vector<std::string>& args) {
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
  if (args[0] != "serve")
    throw std::invalid_argument("unknown command '" + args[0] + "'; try 'runcast --help'");
  cmd.kind = command::serve;
  auto& o = cmd.serve_opts;
  if (const char* key = std::getenv("RUNCAST_AUTH_KEY"))
    o.auth_key = key;
  if (const char* secret = std::getenv("RUNCAST_CLUSTER_SECRET"))
    o.cluster_secret = secret;
  for (size_t i = 1; i < args.size(); ++i) {
    const auto& flag = args[i];
    if (flag == "--help" || flag == "-h") {
      cmd.kind = command::help;
      return cmd;
    }
    if (i + 1 >= args.size())
      throw std::invalid_argument(flag.rfind("--", 0) == 0 ? flag + " needs a value"
                                                          : "unexpected argument '" + flag + "'");
    const auto& v = args[++i];
    if (flag == "--host")
      o.host = v;
    else if (flag == "--port")
      o.port = static_cast<uint16_t>(parse_number(flag, v, 0, 65535));
    else if (flag == "--db")
      o.db = v;
    else if (flag == "--config")
      o.config = v;
    else if (flag == "--auth-key")
      o.auth_key = v;
    else if (flag == "--node-id") {
      if (!is_valid_id(v))
        throw std::invalid_argument("--node-id must be letters, digits, '-', '_', '.', ':'");
      o.node_id = v;
    } else if (flag == "--http-threads")
      o.http_threads = static_cast<size_t>(parse_number(flag, v, 1, 64));
    else if (flag == "--cluster-port")
      o.cluster_port = static_cast<uint16_t>(parse_number(flag, v, 1, 65535));
    else if (flag == "--cluster-host")
      o.cluster_host = v;
    else if (flag == "--cluster-secret")
      o.cluster_secret = v;
    else if (flag == "--peers")
      o.peers = parse_peers(v);
    else if (flag == "--log-level")
      o.log_level = v;
    else if (!set_limit(o.lim, flag, v))
      throw std::invalid_argument("unknown option '" + flag + "'; try 'runcast --help'");
  }
  if (!o.peers.empty() && o.cluster_port == 0)
    throw std::invalid_argument("--peers needs --cluster-port");
  if (o.cluster_port != 0 && o.cluster_secret.empty())
    throw std::invalid_argument("--cluster-port needs --cluster-secret (or RUNCAST_CLUSTER_SECRET)");
  return cmd;
}

} // namespace runcast::app
