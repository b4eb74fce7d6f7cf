#include "app/server_section.hpp"

#include "app/serve_setting.hpp"
#include "core/limit_options.hpp"
#include "tests/support/source_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

using namespace runcast;
using namespace runcast::app;

namespace {

using lines = std::vector<std::string>;

/// Applies `json` as a "server" section to `o`; returns the problems.
lines apply(const std::string& json, serve_options& o, bool resolve_secrets = true) {
  config_checker check;
  apply_server_section(config_json::parse(json), "/server", check, o, resolve_secrets);
  lines out;
  for (const auto& e : check.errors())
    out.push_back(e.to_string());
  return out;
}

} // namespace

TEST_CASE("every serve flag is a server key and limits are among them") {
  serve_options o;
  CHECK(apply(R"({"host":"0.0.0.0","port":8080,"db":"sqlite:x.db","node_id":"n2",
      "http_threads":4,"cluster_port":4100,"cluster_host":"10.0.0.1","log_level":"debug",
      "peers":["10.0.0.2:4100","h:1"],"window":7,"retention_ms":1500,
      "unpersisted_bytes":2048})", o).empty());
  CHECK(o.host == "0.0.0.0");
  CHECK(o.port == 8080);
  CHECK(o.db == "sqlite:x.db");
  CHECK(o.node_id == "n2");
  CHECK(o.http_threads == 4);
  CHECK(o.cluster_port == 4100);
  CHECK(o.cluster_host == "10.0.0.1");
  CHECK(o.log_level == "debug");
  CHECK(o.peers == std::vector<std::pair<std::string, uint16_t>>{{"10.0.0.2", 4100}, {"h", 1}});
  CHECK(o.lim.subscriber_window == 7);
  CHECK(o.lim.retention == std::chrono::milliseconds{1500});
  CHECK(o.lim.unpersisted_bytes == 2048);
  for (const auto& l : limit_options()) {
    INFO(l.flag);
    std::string key = l.flag;
    std::replace(key.begin(), key.end(), '-', '_');
    bool listed = false;
    for (const auto& s : serve_settings())
      listed = listed || (s.limit && s.key() == key);
    CHECK(listed);
  }
}

TEST_CASE("an unknown server key is an error") {
  serve_options o;
  CHECK(apply(R"({"prot":1,"config":"x.json","http-threads":2})", o)
        == lines{"/server: unknown key \"prot\"", "/server: unknown key \"config\"",
                 "/server: unknown key \"http-threads\""});
}

TEST_CASE("server values are checked like their flags") {
  serve_options o;
  CHECK(apply(R"({"port":70000,"window":0,"node_id":"a b","log_level":"loud",
      "peers":["nohost","h:0"],"http_threads":"2"})", o)
        == lines{"/server/port: must be an integer between 0 and 65535",
                 "/server/window: must be an integer between 1 and 1000000",
                 "/server/node_id: must be letters, digits, '-', '_', '.', ':'",
                 "/server/log_level: must be trace, debug, info, warn or error",
                 "/server/peers/0: expects host:port; got \"nohost\"",
                 "/server/peers/1: expects host:port with a port from 1 to 65535; got \"h:0\"",
                 "/server/http_threads: must be an integer between 1 and 64"});
}

TEST_CASE("a refused server value is quoted so no control character reaches the terminal") {
  serve_options o;
  // ESC in the file's text, written as \u001b in JSON: the message shows it escaped.
  CHECK(apply(R"({"peers":["a\u001b[2J"],"cors_origin":"\u001b"})", o)
        == lines{"/server/peers/0: expects host:port; got \"a\\u001b[2J\"",
                 "/server/cors_origin: must be an origin such as "
                 "https://app.example.com[:port]; got \"\\u001b\""});
}

TEST_CASE("server secrets come from the environment never inline") {
  serve_options o;
  CHECK(apply(R"({"auth_key":"hunter2","cluster_secret":"s"})", o)
        == lines{"/server: \"auth_key\" is not allowed inline (secrets stay out of config "
                 "files): name an environment variable in \"auth_key_env\"",
                 "/server: \"cluster_secret\" is not allowed inline (secrets stay out of "
                 "config files): name an environment variable in \"cluster_secret_env\""});
  CHECK(o.auth_key.empty());
  ::setenv("RUNCAST_TEST_SECTION_KEY", "k-123", 1);
  ::unsetenv("RUNCAST_TEST_SECTION_UNSET");
  CHECK(apply(R"({"auth_key_env":"RUNCAST_TEST_SECTION_KEY",
      "cluster_secret_env":"RUNCAST_TEST_SECTION_UNSET"})", o)
        == lines{"/server/cluster_secret_env: environment variable "
                 "\"RUNCAST_TEST_SECTION_UNSET\" is not set or empty"});
  CHECK(o.auth_key == "k-123");
  // check-config checks the names only: the variables may be set where the server runs.
  serve_options unresolved;
  CHECK(apply(R"({"cluster_secret_env":"RUNCAST_TEST_SECTION_UNSET"})", unresolved, false)
        .empty());
  CHECK(apply(R"({"auth_key_env":"not a name"})", unresolved, false)
        == lines{"/server/auth_key_env: must name an environment variable "
                 "([A-Za-z_][A-Za-z0-9_]*)"});
}

TEST_CASE("docs/configuration.md documents every server key") {
  const auto root = runcast::test::source_dir();
  std::ifstream in{root + "/docs/configuration.md"};
  REQUIRE(in);
  std::string doc{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  for (const auto& s : serve_settings()) {
    if (s.type == serve_setting::value_type::path)
      continue; // --config is a flag only
    auto key = s.type == serve_setting::value_type::secret ? s.key() + "_env" : s.key();
    INFO(key);
    CHECK(doc.find("| `" + key + "` |") != std::string::npos);
  }
}
