// With --auth-key every endpoint but the public pages refuses anonymous calls (401), each
// checked here; browsers log in for a signed HttpOnly cookie that EventSource sends; CORS is
// off unless --cors-origin names the origin, and preflights are answered without a key.

#include "tests/integration/run_helpers.hpp"

#include <catch2/catch.hpp>

using namespace runcast::test;
using namespace std::chrono_literals;

namespace {

const std::string key = "k3y-for-tests";
const std::string urlencoded = "application/x-www-form-urlencoded";

struct endpoint {
  std::string method;
  std::string target;
};

/// Every route of the API with concrete parameters (http/router.cpp's table).
std::vector<endpoint> data_endpoints(const std::string& run_id, const std::string& session_id) {
  auto run = "/agents/echo/runs/" + run_id;
  return {
    {"GET", "/metrics"},
    {"GET", "/openapi.json"},
    {"POST", "/admin/drain"},
    {"GET", "/sessions"},
    {"GET", "/sessions/" + session_id},
    {"DELETE", "/sessions/" + session_id},
    {"GET", "/sessions/" + session_id + "/runs"},
    {"GET", "/agents"},
    {"GET", "/teams"},
    {"GET", "/workflows"},
    {"GET", "/agents/echo"},
    {"GET", "/agents/echo/runs?session_id=" + session_id},
    {"POST", "/agents/echo/runs"},
    {"GET", run + "?session_id=" + session_id},
    {"POST", run + "/cancel"},
    {"POST", run + "/resume"},
    {"GET", run + "/stream?session_id=" + session_id},
    {"GET", "/nothing-here"},
  };
}

std::string cookie_pair(const http_response& login) {
  auto set_cookie = login.header("set-cookie");
  return set_cookie.substr(0, set_cookie.find(';'));
}

} // namespace

TEST_CASE("with an auth key every endpoint but the public pages answers 401 to anonymous "
          "calls") {
  server_fixture fx{{"--auth-key", key}};
  auto port = fx.port();
  header_list bearer{{"Authorization", "Bearer " + key}};
  auto started = request(port, "POST", "/agents/echo/runs",
                         form_urlencode({{"message", "hi"}, {"stream", "false"}}), urlencoded,
                         bearer);
  REQUIRE(started.status == 200);
  auto run_id = started.json()["run_id"].get<std::string>();
  auto session_id = started.json()["session_id"].get<std::string>();

  for (const auto& e : data_endpoints(run_id, session_id)) {
    INFO(e.method << " " << e.target);
    for (const auto& wrong : std::vector<header_list>{
           {},
           {{"Authorization", "Bearer wrong"}},
           {{"Authorization", "Bearer " + key + "x"}},
           {{"Authorization", "Basic " + key}},
           {{"Cookie", "runcast_auth=v1.99999999999.00"}}}) {
      auto res = request(port, e.method, e.target, "message=x", urlencoded, wrong);
      CHECK(res.status == 401);
      CHECK(res.header("www-authenticate") == "Bearer");
      CHECK(res.json()["detail"].get<std::string>().find("key") != std::string::npos);
    }
  }
  // Nothing changed: the session is still there, the node is not drained.
  CHECK(request(port, "GET", "/sessions/" + session_id, "", "", bearer).status == 200);
  CHECK(request(port, "GET", "/health").status == 200);
  // The public pages: probes, the console (it asks for the key), the login itself.
  for (const auto* page : {"/health", "/", "/console.js"})
    CHECK(request(port, "GET", page).status == 200);
}

TEST_CASE("a browser logs in for an HttpOnly SameSite=Strict cookie that EventSource sends") {
  server_fixture fx{{"--auth-key", key, "--auth-cookie-ttl-ms", "60000"}};
  auto port = fx.port();
  auto wrong = request(port, "POST", "/auth/login", form_urlencode({{"key", "nope"}}),
                       urlencoded);
  CHECK(wrong.status == 401);
  CHECK(wrong.header("set-cookie").empty());
  CHECK(request(port, "POST", "/auth/login", "", urlencoded).status == 422);

  auto login = request(port, "POST", "/auth/login", form_urlencode({{"key", key}}), urlencoded);
  INFO(login.body);
  REQUIRE(login.status == 200);
  auto set_cookie = login.header("set-cookie");
  CHECK(set_cookie.find("runcast_auth=v1.") == 0);
  CHECK(set_cookie.find("HttpOnly") != std::string::npos);
  CHECK(set_cookie.find("SameSite=Strict") != std::string::npos);
  CHECK(set_cookie.find("Max-Age=60") != std::string::npos);
  CHECK(set_cookie.find("Secure") == std::string::npos);
  header_list cookie{{"Cookie", "theme=dark; " + cookie_pair(login)}};

  auto started = request(port, "POST", "/agents/echo/runs",
                         form_urlencode({{"message", "a b c"}, {"stream", "false"}}),
                         urlencoded, cookie);
  REQUIRE(started.status == 200);
  auto run_id = started.json()["run_id"].get<std::string>();
  auto session_id = started.json()["session_id"].get<std::string>();
  // What EventSource sends: a GET with the cookie and Last-Event-ID, no Authorization.
  header_list event_source = cookie;
  event_source.emplace_back("Last-Event-ID", "1");
  sse_client c{port, "GET", "/agents/echo/runs/" + run_id + "/stream?session_id=" + session_id,
               "", "", event_source};
  REQUIRE(c.status() == 200);
  auto frames = collect_all(c);
  CHECK(events_by_index(frames).begin()->first == 2);

  // A token signed with another key, or altered, is refused; so is one past its expiry.
  auto pair = cookie_pair(login);
  auto tampered = pair;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  CHECK(request(port, "GET", "/agents", "", "", {{"Cookie", tampered}}).status == 401);
  auto dot = pair.find('.', pair.find("v1.") + 3);
  auto later = pair.substr(0, pair.find("v1.") + 3) + "99999999999" + pair.substr(dot);
  CHECK(request(port, "GET", "/agents", "", "", {{"Cookie", later}}).status == 401);
  CHECK(request(port, "GET", "/agents", "", "", {{"Cookie", "runcast_auth=v1.1.abc"}}).status
        == 401);

  // Behind a TLS proxy the cookie is Secure; logging out removes it.
  auto proxied = request(port, "POST", "/auth/login", form_urlencode({{"key", key}}),
                         urlencoded, {{"X-Forwarded-Proto", "https"}});
  CHECK(proxied.header("set-cookie").find("; Secure") != std::string::npos);
  auto logout = request(port, "POST", "/auth/logout", "", "", cookie);
  CHECK(logout.status == 200);
  CHECK(logout.header("set-cookie").find("runcast_auth=; Max-Age=0") == 0);
}

TEST_CASE("CORS is off by default and answers only the configured origin") {
  SECTION("off") {
    server_fixture fx;
    auto res = request(fx.port(), "GET", "/agents", "", "", {{"Origin", "https://app.test"}});
    CHECK(res.status == 200);
    CHECK(res.header("access-control-allow-origin").empty());
    auto preflight = request(fx.port(), "OPTIONS", "/agents/echo/runs", "", "",
                             {{"Origin", "https://app.test"},
                              {"Access-Control-Request-Method", "POST"}});
    CHECK(preflight.status == 405);
    CHECK(preflight.header("access-control-allow-origin").empty());
  }
  SECTION("on, with a key") {
    server_fixture fx{{"--cors-origin", "https://app.test,http://localhost:5173",
                       "--auth-key", key}};
    auto port = fx.port();
    auto preflight = request(port, "OPTIONS", "/agents/echo/runs", "", "",
                             {{"Origin", "https://app.test"},
                              {"Access-Control-Request-Method", "POST"},
                              {"Access-Control-Request-Headers", "authorization"}});
    CHECK(preflight.status == 204);
    CHECK(preflight.header("access-control-allow-origin") == "https://app.test");
    CHECK(preflight.header("access-control-allow-methods") == "GET, POST");
    CHECK(preflight.header("access-control-allow-headers").find("Authorization")
          != std::string::npos);
    CHECK(preflight.header("access-control-allow-credentials") == "true");
    CHECK(preflight.header("vary") == "Origin");
    auto stranger = request(port, "OPTIONS", "/agents/echo/runs", "", "",
                            {{"Origin", "https://evil.test"},
                             {"Access-Control-Request-Method", "POST"}});
    CHECK(stranger.status == 403);
    CHECK(stranger.header("access-control-allow-origin").empty());
    CHECK(request(port, "OPTIONS", "/nowhere", "", "",
                  {{"Origin", "https://app.test"}, {"Access-Control-Request-Method", "GET"}})
            .status
          == 404);

    header_list from_app{{"Origin", "http://localhost:5173"},
                         {"Authorization", "Bearer " + key}};
    auto ok = request(port, "GET", "/agents", "", "", from_app);
    CHECK(ok.status == 200);
    CHECK(ok.header("access-control-allow-origin") == "http://localhost:5173");
    CHECK(ok.header("access-control-expose-headers") == "Retry-After");
    // A 401 carries the CORS headers too, so the page can read why.
    auto anonymous = request(port, "GET", "/agents", "", "", {{"Origin", "https://app.test"}});
    CHECK(anonymous.status == 401);
    CHECK(anonymous.header("access-control-allow-origin") == "https://app.test");
    auto evil = request(port, "GET", "/agents", "", "",
                        {{"Origin", "https://evil.test"}, {"Authorization", "Bearer " + key}});
    CHECK(evil.header("access-control-allow-origin").empty());
    // An SSE answer carries them as well.
    auto started = request(port, "POST", "/agents/echo/runs",
                           form_urlencode({{"message", "x"}, {"stream", "false"}}), urlencoded,
                           from_app);
    REQUIRE(started.status == 200);
    sse_client c{port, "POST",
                 "/agents/echo/runs/" + started.json()["run_id"].get<std::string>() + "/resume",
                 form_urlencode({{"session_id", started.json()["session_id"]}}), urlencoded,
                 from_app};
    CHECK(c.status() == 200);
    CHECK(c.header("access-control-allow-origin") == "http://localhost:5173");
  }
  SECTION("a malformed origin is refused at start") {
    CHECK_THROWS(server_fixture{{"--cors-origin", "https://app.test/path"}});
  }
}
