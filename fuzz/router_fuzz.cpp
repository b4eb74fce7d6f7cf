// Fuzzes the router (http/router.hpp `decide_route`): the request target parsed by Boost.URL,
// matched against runcast's real routing table (http/route_table.hpp, http/path_pattern.hpp),
// its path parameters validated and its query string parsed. Input: a raw HTTP request head,
// read by Beast's own parser as the server reads it, so only what Beast lets through reaches
// the router. The components are the demo set (agent `echo`, team `echo-team`, workflow
// `echo-flow`), as in tests/http/router_test.cpp. No handler ever runs (router_stubs.cpp).
//
// Checks, beyond "no crash, no sanitizer report":
// - a decision is a handler with 200 and no detail, or no handler with 400/404/405 and a
//   detail; a handler's (method, pattern) is a row of route_list();
// - what a handler gets is valid: a known kind, an existing component of that kind, run and
//   session ids that is_valid_id() accepts;
// - a 405 lists the path's methods in Allow, never the request's own;
// - a key changes nothing for a request that carries it (bearer or login cookie) or for a
//   public page, and gives 401 otherwise;
// - the error answer is JSON whose "detail" is the decision's detail, with Allow on 405 and
//   WWW-Authenticate on 401;
// - a CORS preflight is answered 204 with the path's methods, or 403 exactly when the
//   origin is not allowed, or 400/404.

#include "http/router.hpp"

#include "core/component_registry.hpp"
#include "core/ids.hpp"
#include "fuzz/fuzz_check.hpp"
#include "http/auth.hpp"
#include "http/cors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace runcast;
using namespace runcast::http;

namespace {

constexpr std::string_view key = "s3cret";

// The origins --cors-origin allows in this target.
const std::vector<std::string> origins{"https://app.example"};

const component_registry& components() {
  static const auto demo = component_registry::demo();
  return demo;
}

bool has(std::string_view pattern, std::string_view param) {
  return pattern.find(param) != std::string_view::npos;
}

bool is_route(bhttp::verb method, std::string_view pattern) {
  static const auto routes = route_list();
  for (const auto& r : routes)
    if (r.method == method && r.pattern == pattern)
      return true;
  return false;
}

// True if `method` is one of the comma-separated methods in `allow` ("GET, DELETE").
bool listed(std::string_view allow, std::string_view method) {
  while (!allow.empty()) {
    auto comma = allow.find(", ");
    if (allow.substr(0, comma) == method)
      return true;
    allow.remove_prefix(comma == std::string_view::npos ? allow.size() : comma + 2);
  }
  return false;
}

// The pages anyone may fetch, key or not (router.cpp).
bool is_public(std::string_view pattern) {
  for (std::string_view p : {"/health", "/", "/console.js", "/auth/login", "/auth/logout"})
    if (pattern == p)
      return true;
  return false;
}

bool same(const route_decision& a, const route_decision& b) {
  return a.handler == b.handler && a.pattern == b.pattern && a.status == b.status
         && a.detail == b.detail && a.allow == b.allow;
}

void check_decision(const request& req, const route_decision& d) {
  if (d.handler != nullptr) {
    FUZZ_CHECK(d.status == bhttp::status::ok && d.detail.empty(), "a handler has no error");
    FUZZ_CHECK(is_route(req.method(), d.pattern), "a handler is a row of the table");
    const auto& a = d.args;
    if (has(d.pattern, "{kind}"))
      FUZZ_CHECK(component_registry::is_kind(a.kind), "a known kind");
    if (has(d.pattern, "{component}"))
      FUZZ_CHECK(a.comp != nullptr && a.comp == components().find(a.kind, a.comp->id),
                 "an existing component of that kind");
    if (has(d.pattern, "{run_id}"))
      FUZZ_CHECK(is_valid_id(a.run_id), "a valid run id");
    if (has(d.pattern, "{session_id}"))
      FUZZ_CHECK(is_valid_id(a.session_id), "a valid session id");
    return;
  }
  auto s = d.status;
  FUZZ_CHECK(s == bhttp::status::bad_request || s == bhttp::status::unauthorized
               || s == bhttp::status::not_found || s == bhttp::status::method_not_allowed,
             "an early answer is 400, 401, 404 or 405");
  FUZZ_CHECK(!d.detail.empty(), "an early answer says why");
  if (s == bhttp::status::method_not_allowed) {
    FUZZ_CHECK(!d.allow.empty(), "a 405 says what is allowed");
    FUZZ_CHECK(!listed(d.allow, req.method_string()),
               "a 405 never allows the request's own method");
  }

  auto res = error_answer(req, d);
  auto body = nlohmann::json::parse(res.body(), nullptr, false);
  FUZZ_CHECK(body.is_object() && body.value("detail", "") == d.detail, "{\"detail\": …}");
  if (s == bhttp::status::method_not_allowed)
    FUZZ_CHECK(res[bhttp::field::allow] == d.allow, "Allow header");
  if (s == bhttp::status::unauthorized)
    FUZZ_CHECK(res[bhttp::field::www_authenticate] == "Bearer", "WWW-Authenticate header");
}

// A preflight is answered 204 with the path's methods, 403 for another origin, 400 for a
// malformed target or 404 for a path that fits no route.
void check_preflight(const request& req, const response& res) {
  auto origin = req[bhttp::field::origin];
  bool allowed = std::find(origins.begin(), origins.end(), origin) != origins.end();
  auto s = res.result();
  FUZZ_CHECK(allowed == (s != bhttp::status::forbidden), "403 exactly for another origin");
  FUZZ_CHECK(s == bhttp::status::no_content || s == bhttp::status::forbidden
               || s == bhttp::status::bad_request || s == bhttp::status::not_found,
             "a preflight is 204, 403, 400 or 404");
  if (s == bhttp::status::no_content)
    FUZZ_CHECK(!res[bhttp::field::access_control_allow_methods].empty(), "allowed methods");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.eager(false); // the head only: routing never looks at the body
  beast::error_code ec;
  parser.put(net::buffer(data, size), ec);
  if (ec || !parser.is_header_done())
    return 0;
  const request req = parser.release();

  auto open = decide_route(req, "", components());
  FUZZ_CHECK(open.status != bhttp::status::unauthorized, "no key, no 401");
  check_decision(req, open);

  auto locked = decide_route(req, std::string{key}, components());
  check_decision(req, locked);
  // Whether the request carries the key (the bearer header or a login cookie) is auth's
  // business (http/auth.hpp); what the router does with the answer is checked here.
  bool let_in = auth::authorized(req, std::string{key});
  if (req[bhttp::field::authorization] == "Bearer " + std::string{key})
    FUZZ_CHECK(let_in, "the right bearer key is let in");
  bool public_page = is_public(open.pattern);
  bool malformed = open.status == bhttp::status::bad_request && open.pattern.empty();
  if (let_in || public_page || malformed)
    FUZZ_CHECK(same(open, locked), "the key changes nothing here");
  else
    FUZZ_CHECK(locked.status == bhttp::status::unauthorized && locked.handler == nullptr,
               "a wrong key is refused");

  if (cors::is_preflight(req))
    check_preflight(req, preflight_answer(req, origins, components()));
  return 0;
}
