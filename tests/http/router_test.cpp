#include "http/router.hpp"

#include "core/component_registry.hpp"

#include <boost/beast/_experimental/test/stream.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using namespace runcast;
using namespace runcast::http;
using verb = bhttp::verb;

// Every answer the router gives before a handler runs, decided by decide_route() from the
// request and the demo components (agent `echo`): no runtime, no sockets.

namespace {

const component_registry& components() {
  static const auto demo = component_registry::demo();
  return demo;
}

request make_request(verb method, const std::string& target, const std::string& bearer = {}) {
  request req{method, target, 11};
  req.set(bhttp::field::host, "localhost");
  if (!bearer.empty())
    req.set(bhttp::field::authorization, "Bearer " + bearer);
  return req;
}

route_decision decide(verb method, const std::string& target, const std::string& key = {},
                      const std::string& bearer = {}) {
  return decide_route(make_request(method, target, bearer), key, components());
}

// An answer given before any handler: no handler, this status, a detail containing `needle`.
void check_refused(const route_decision& d, bhttp::status status, const std::string& needle) {
  INFO("detail: " << d.detail);
  CHECK(d.handler == nullptr);
  CHECK(d.status == status);
  CHECK(d.detail.find(needle) != std::string::npos);
}

// A request that reaches the handler of `pattern`.
route_decision check_routed(verb method, const std::string& target, const std::string& pattern) {
  INFO(target);
  auto d = decide(method, target);
  CHECK(d.handler != nullptr);
  CHECK(d.pattern == pattern);
  CHECK(d.detail.empty());
  return d;
}

// Writes `raw` into one end of Beast's in-memory connection, reads it as the server does,
// writes the router's error answer back and reads that as a client would: the whole wire
// shape of an early answer, headers included.
bhttp::response<bhttp::string_body> over_the_wire(const std::string& raw,
                                                  const std::string& key = {}) {
  net::io_context ioc;
  beast::test::stream server{ioc};
  auto client = beast::test::connect(server);
  net::write(client, net::buffer(raw));
  beast::flat_buffer server_buffer;
  request req;
  bhttp::read(server, server_buffer, req);
  auto d = decide_route(req, key, components());
  REQUIRE(d.handler == nullptr);
  bhttp::write(server, error_answer(req, d));
  beast::flat_buffer client_buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(client, client_buffer, res);
  return res;
}

} // namespace

TEST_CASE("every endpoint of the API reaches its handler with its parameters") {
  check_routed(verb::get, "/health", "/health");
  check_routed(verb::get, "/", "/");
  check_routed(verb::get, "/metrics", "/metrics");
  auto list = check_routed(verb::get, "/agents", "/{kind}");
  CHECK(list.args.kind == "agents");
  auto comp = check_routed(verb::get, "/agents/echo", "/{kind}/{component}");
  REQUIRE(comp.args.comp != nullptr);
  CHECK(comp.args.comp->id == "echo");
  check_routed(verb::get, "/agents/echo/runs", "/{kind}/{component}/runs");
  check_routed(verb::post, "/agents/echo/runs", "/{kind}/{component}/runs");
  auto run = check_routed(verb::get, "/agents/echo/runs/r-1?session_id=s",
                          "/{kind}/{component}/runs/{run_id}");
  CHECK(run.args.run_id == "r-1");
  CHECK(run.args.query.at("session_id") == "s");
  auto cancel = check_routed(verb::post, "/agents/echo/runs/r-1/cancel",
                             "/{kind}/{component}/runs/{run_id}/cancel");
  CHECK(cancel.args.ref().run_id == "r-1");
  CHECK(cancel.args.ref().component_id == "echo");
  check_routed(verb::post, "/agents/echo/runs/r-1/resume",
               "/{kind}/{component}/runs/{run_id}/resume");
  check_routed(verb::get, "/agents/echo/runs/r-1/stream",
               "/{kind}/{component}/runs/{run_id}/stream");
  auto sessions = check_routed(verb::get, "/sessions?limit=3", "/sessions");
  CHECK(sessions.args.query.at("limit") == "3");
  auto session = check_routed(verb::get, "/sessions/s1", "/sessions/{session_id}");
  CHECK(session.args.session_id == "s1");
  check_routed(verb::delete_, "/sessions/s1", "/sessions/{session_id}");
  check_routed(verb::get, "/sessions/s1/runs?offset=2", "/sessions/{session_id}/runs");
}

TEST_CASE("a trailing slash names the same resource") {
  check_routed(verb::get, "/agents/", "/{kind}");
  check_routed(verb::get, "/agents/echo/runs/?limit=1", "/{kind}/{component}/runs");
  check_routed(verb::get, "/sessions/", "/sessions");
  check_routed(verb::get, "/health/", "/health");
}

TEST_CASE("unknown paths and unknown things named in them answer 404 whatever the method") {
  check_refused(decide(verb::get, "/robots"), bhttp::status::not_found, "Not Found");
  check_refused(decide(verb::post, "/robots"), bhttp::status::not_found, "Not Found");
  check_refused(decide(verb::get, "/agents/echo/nope"), bhttp::status::not_found, "Not Found");
  check_refused(decide(verb::get, "/agents/echo/runs/r/nope"), bhttp::status::not_found,
                "Not Found");
  check_refused(decide(verb::get, "/sessions/s1/runs/r"), bhttp::status::not_found,
                "Not Found");
  check_refused(decide(verb::get, "/agents/nobody"), bhttp::status::not_found,
                "Agent not found");
  check_refused(decide(verb::delete_, "/agents/nobody"), bhttp::status::not_found,
                "Agent not found");
  check_refused(decide(verb::post, "/agents/nobody/runs"), bhttp::status::not_found,
                "Agent not found");
  check_refused(decide(verb::get, "/teams/x"), bhttp::status::not_found, "Team not found");
  check_refused(decide(verb::get, "/workflows/x/runs"), bhttp::status::not_found,
                "Workflow not found");
}

TEST_CASE("malformed ids in the path answer 404 with what was malformed") {
  check_refused(decide(verb::get, "/agents/echo/runs/bad%20id"), bhttp::status::not_found,
                "Run not found: malformed run id");
  check_refused(decide(verb::get, "/agents/echo/runs/bad%20id/cancel"),
                bhttp::status::not_found, "Run not found: malformed run id");
  check_refused(decide(verb::get, "/sessions/bad%20id"), bhttp::status::not_found,
                "Session not found: malformed id");
  check_refused(decide(verb::put, "/sessions/bad%20id/runs"), bhttp::status::not_found,
                "Session not found: malformed id");
}

TEST_CASE("a known path with another method answers 405 with the methods of the table") {
  auto check_405 = [](verb method, const std::string& target, const std::string& allow) {
    INFO(target);
    auto d = decide(method, target);
    check_refused(d, bhttp::status::method_not_allowed, "Method Not Allowed");
    CHECK(d.allow == allow);
  };
  check_405(verb::delete_, "/agents/echo", "GET");
  check_405(verb::get, "/agents/echo/runs/x/resume", "POST");
  check_405(verb::get, "/agents/echo/runs/x/cancel", "POST");
  check_405(verb::post, "/agents/echo/runs/x/stream", "GET");
  check_405(verb::delete_, "/agents/echo/runs", "GET, POST");
  check_405(verb::put, "/sessions/s1", "GET, DELETE");
  check_405(verb::post, "/sessions", "GET");
  check_405(verb::post, "/health", "GET");
  check_405(verb::post, "/", "GET");
  check_405(verb::post, "/agents/", "GET");
}

TEST_CASE("an absolute-form target is routed by its path and query") {
  check_routed(verb::get, "http://example.com/agents", "/{kind}");
  check_routed(verb::get, "HTTP://EXAMPLE.COM:80/health", "/health");
  check_routed(verb::get, "https://t/agents/echo/runs?limit=2", "/{kind}/{component}/runs");
  CHECK(decide(verb::get, "http://t/agents/echo/runs?limit=2").args.query.at("limit") == "2");
  check_routed(verb::get, "http://t", "/"); // an empty path is "/" (RFC 9112 3.2.2)
  check_refused(decide(verb::get, "http://t/agents/echo%00"), bhttp::status::not_found,
                "Agent not found");
}

TEST_CASE("malformed targets and query strings answer 400") {
  // Neither origin-form nor an http(s) absolute-form: the asterisk and authority forms, a
  // URI of another scheme or without an authority.
  for (auto target : {"*", "t:80", "127.0.0.1:443", "mailto:a@t", "http:/health", "health",
                      "http://t/health#top"}) {
    INFO(target);
    check_refused(decide(verb::get, target), bhttp::status::bad_request,
                  "malformed request target");
  }
  check_refused(decide(verb::get, "/agents?a=%FF"), bhttp::status::bad_request,
                "malformed query string: ");
  check_refused(decide(verb::get, "/sessions/s1/runs?=x"), bhttp::status::bad_request,
                "malformed query string: ");
  // The query is read before the method is checked, as it always was.
  check_refused(decide(verb::post, "/sessions?a=%FF"), bhttp::status::bad_request,
                "malformed query string: ");
  // Pages outside the API read no query; an unknown kind is unknown first.
  check_routed(verb::get, "/health?a=%FF", "/health");
  check_refused(decide(verb::get, "/robots?a=%FF"), bhttp::status::not_found, "Not Found");
}

TEST_CASE("with a key every path but health and the console's files needs the bearer key") {
  const std::string key = "s3cret";
  check_refused(decide(verb::get, "/agents", key), bhttp::status::unauthorized,
                "Authorization: Bearer");
  check_refused(decide(verb::get, "/agents", key, "wrong!"), bhttp::status::unauthorized,
                "Bearer");
  check_refused(decide(verb::get, "/agents", key, "s3cre"), bhttp::status::unauthorized,
                "Bearer");
  // Unknown paths do not tell a stranger what exists.
  check_refused(decide(verb::get, "/robots", key), bhttp::status::unauthorized, "Bearer");
  CHECK(decide(verb::get, "/agents", key, key).handler != nullptr);
  CHECK(decide(verb::get, "/health", key).handler != nullptr);
  // The console's page and script hold no data; the page asks for the key the API needs.
  CHECK(decide(verb::get, "/", key).handler != nullptr);
  CHECK(decide(verb::get, "/console.js", key).handler != nullptr);
  for (const char* data : {"/metrics", "/openapi.json", "/sessions", "/agents/echo/runs"})
    check_refused(decide(verb::get, data, key), bhttp::status::unauthorized, "Bearer");
  check_refused(decide(verb::post, "/health", key), bhttp::status::method_not_allowed,
                "Method Not Allowed");
}

TEST_CASE("a 405 on the wire carries Allow and the JSON error shape") {
  auto res = over_the_wire("DELETE /agents/echo/runs HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(res.result() == bhttp::status::method_not_allowed);
  CHECK(res[bhttp::field::allow] == "GET, POST");
  CHECK(res[bhttp::field::content_type] == "application/json");
  CHECK(res[bhttp::field::server] == "runcast");
  CHECK(res.keep_alive());
  CHECK(nlohmann::json::parse(res.body()) == nlohmann::json{{"detail", "Method Not Allowed"}});
}

TEST_CASE("a 401 on the wire asks for a bearer key and a 404 has no Allow") {
  auto denied = over_the_wire("GET /agents HTTP/1.1\r\nHost: x\r\n\r\n", "k");
  CHECK(denied.result() == bhttp::status::unauthorized);
  CHECK(denied[bhttp::field::www_authenticate] == "Bearer");
  CHECK(nlohmann::json::parse(denied.body()).contains("detail"));

  auto missing = over_the_wire("GET /agents/nobody HTTP/1.0\r\n\r\n");
  CHECK(missing.result() == bhttp::status::not_found);
  CHECK(missing.version() == 10);
  CHECK_FALSE(missing.keep_alive());
  CHECK(missing.find(bhttp::field::allow) == missing.end());
  CHECK(nlohmann::json::parse(missing.body())["detail"] == "Agent not found");
}
