#include "http/router.hpp"

#include "core/event_json.hpp"
#include "core/ids.hpp"
#include "http/auth.hpp"
#include "http/cors.hpp"
#include "http/http_session.hpp"
#include "http/json_response.hpp"
#include "http/route_table.hpp"

#include <boost/url/parse.hpp>

#include <optional>
#include <vector>

namespace runcast::http {

namespace {

using session_ptr = std::shared_ptr<http_session>;

// Pages outside the API: they read no query string. /health needs no key (probes and load
// balancers have none), nor does the console's page and script: they hold no data, and the
// page must load to ask for the key that every data endpoint needs.
constexpr std::string_view health_path = "/health";
constexpr std::string_view console_path = "/";
constexpr std::string_view console_script_path = "/console.js";
constexpr std::string_view metrics_path = "/metrics";
constexpr std::string_view openapi_path = "/openapi.json";
// The login needs no key, of course; logging out needs none either (it only drops a cookie).
constexpr std::string_view login_path = "/auth/login";
constexpr std::string_view logout_path = "/auth/logout";

/// runcast's API. Captureless lambdas adapt handlers that take less than a whole target.
const route_table<endpoint>& routes() {
  using bhttp::verb;
  // A function-local static: built once, thread-safely, on first use; immutable after.
  static const route_table<endpoint> table{
    {verb::get, health_path, [](const session_ptr& s, const target&) { handle_health(s); }},
    {verb::get, console_path, [](const session_ptr& s, const target&) { handle_console(s); }},
    {verb::get, console_script_path,
     [](const session_ptr& s, const target&) { handle_console_script(s); }},
    {verb::get, metrics_path, [](const session_ptr& s, const target&) { handle_metrics(s); }},
    {verb::get, openapi_path, [](const session_ptr& s, const target&) { handle_openapi(s); }},
    {verb::post, "/admin/drain", [](const session_ptr& s, const target&) { handle_drain(s); }},
    {verb::post, login_path, [](const session_ptr& s, const target&) { handle_login(s); }},
    {verb::post, logout_path, [](const session_ptr& s, const target&) { handle_logout(s); }},
    {verb::get, "/sessions",
     [](const session_ptr& s, const target& t) { handle_list_sessions(s, t.query); }},
    {verb::get, "/sessions/{session_id}",
     [](const session_ptr& s, const target& t) { handle_get_session(s, t.session_id); }},
    {verb::delete_, "/sessions/{session_id}",
     [](const session_ptr& s, const target& t) { handle_delete_session(s, t.session_id); }},
    {verb::get, "/sessions/{session_id}/runs",
     [](const session_ptr& s, const target& t) {
       handle_list_session_runs(s, t.session_id, t.query);
     }},
    {verb::get, "/{kind}", handle_list_components},
    {verb::get, "/{kind}/{component}", handle_get_component},
    {verb::get, "/{kind}/{component}/runs", handle_list_runs},
    {verb::post, "/{kind}/{component}/runs", handle_start_run},
    {verb::get, "/{kind}/{component}/runs/{run_id}", handle_get_run},
    {verb::post, "/{kind}/{component}/runs/{run_id}/cancel", handle_cancel_run},
    {verb::post, "/{kind}/{component}/runs/{run_id}/resume", handle_resume},
    {verb::get, "/{kind}/{component}/runs/{run_id}/stream", handle_event_source},
  };
  return table;
}

} // namespace

std::vector<route_info> route_list() {
  std::vector<route_info> out;
  for (const auto& e : routes().entries())
    out.push_back({e.method, e.pattern.text()});
  return out;
}

namespace {

route_decision refuse(route_decision d, bhttp::status status, std::string detail) {
  d.handler = nullptr;
  d.status = status;
  d.detail = std::move(detail);
  return d;
}

std::string not_found_name(const std::string& kind) {
  auto name = std::string{singular_kind(kind)};
  name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name + " not found";
}

const std::string* param(const path_params& params, std::string_view name) {
  auto i = params.find(name);
  return i == params.end() ? nullptr : &i->second;
}

/// The path and query of a request target: its origin-form, or the absolute-form a server
/// MUST accept (RFC 9112 3.2.2) with an http(s) scheme, whose authority is not ours to check.
/// The asterisk and authority forms name no resource here.
std::optional<boost::urls::url_view> parse_target(const std::string& text) {
  if (auto origin = boost::urls::parse_origin_form(text))
    return *origin;
  auto absolute = boost::urls::parse_absolute_uri(text);
  if (absolute && absolute->has_authority()
      && (absolute->scheme_id() == boost::urls::scheme::http
          || absolute->scheme_id() == boost::urls::scheme::https))
    return *absolute;
  return std::nullopt;
}

} // namespace

route_decision decide_route(const request& req, const std::string& auth_key,
                            const component_registry& components) {
  route_decision d;
  // An owned copy, NUL-terminated: see parse_urlencoded on libboost_url reading with strlen.
  const std::string target_text{req.target()};
  auto parsed = parse_target(target_text);
  if (!parsed)
    return refuse(std::move(d), bhttp::status::bad_request, "malformed request target");
  std::vector<std::string> segments;
  for (auto part : parsed->segments())
    segments.push_back(std::string{part});
  auto m = routes().find(req.method(), std::move(segments));
  if (m.pattern != nullptr)
    d.pattern = m.pattern->text();

  bool public_page = d.pattern == health_path || d.pattern == console_path
                     || d.pattern == console_script_path || d.pattern == login_path
                     || d.pattern == logout_path;
  if (!public_page && !auth_key.empty() && !auth::authorized(req, auth_key))
    return refuse(std::move(d), bhttp::status::unauthorized,
                  "missing or wrong Authorization: Bearer key (browsers: POST /auth/login)");
  if (m.pattern == nullptr)
    return refuse(std::move(d), bhttp::status::not_found, "Not Found");

  // Parameters are checked in path order and before the method: a path naming nothing that
  // exists answers 404 whatever the method.
  if (const auto* kind = param(m.params, "kind")) {
    if (!component_registry::is_kind(*kind))
      return refuse(std::move(d), bhttp::status::not_found, "Not Found");
    d.args.kind = *kind;
  }
  if (!public_page && d.pattern != metrics_path && d.pattern != openapi_path) {
    auto query = parse_query(parsed->encoded_query());
    if (!query.fields)
      return refuse(std::move(d), bhttp::status::bad_request,
                    "malformed query string: " + query.error);
    d.args.query = std::move(*query.fields);
  }
  if (const auto* id = param(m.params, "component")) {
    d.args.comp = components.find(d.args.kind, *id);
    if (d.args.comp == nullptr)
      return refuse(std::move(d), bhttp::status::not_found, not_found_name(d.args.kind));
  }
  if (const auto* id = param(m.params, "session_id")) {
    if (!is_valid_id(*id))
      return refuse(std::move(d), bhttp::status::not_found, "Session not found: malformed id");
    d.args.session_id = *id;
  }
  if (const auto* id = param(m.params, "run_id")) {
    if (!is_valid_id(*id))
      return refuse(std::move(d), bhttp::status::not_found, "Run not found: malformed run id");
    d.args.run_id = *id;
  }
  if (m.found == nullptr) {
    d.allow = std::move(m.allow);
    return refuse(std::move(d), bhttp::status::method_not_allowed, "Method Not Allowed");
  }
  d.handler = m.found->handler;
  return d;
}

response error_answer(const request& req, const route_decision& decision) {
  auto res = error_response(req, decision.status, decision.detail);
  if (decision.status == bhttp::status::method_not_allowed)
    res.set(bhttp::field::allow, decision.allow);
  if (decision.status == bhttp::status::unauthorized)
    res.set(bhttp::field::www_authenticate, "Bearer");
  return res;
}

response preflight_answer(const request& req, const std::vector<std::string>& origins,
                          const component_registry& components) {
  auto origin = req[bhttp::field::origin];
  if (!cors::allows(origins, {origin.data(), origin.size()}))
    return error_response(req, bhttp::status::forbidden,
                          "origin not allowed (see --cors-origin)");
  // The request the page means to send, routed as it would be (without its key, which a
  // preflight never carries): a path that names nothing answers as it would then.
  // (method_string, not method(): Beast throws for verb::unknown, and a page may name any.)
  auto method = req[bhttp::field::access_control_request_method];
  request probe;
  probe.method_string(method.empty() ? beast::string_view{"NONE"} : method);
  probe.target(req.target());
  probe.version(req.version());
  auto decision = decide_route(probe, {}, components);
  if (decision.handler == nullptr && decision.status != bhttp::status::method_not_allowed)
    return error_answer(req, decision);
  probe.method_string("ANY-METHOD"); // no route takes it: the 405 lists those that do
  auto allow = decide_route(probe, {}, components).allow;
  auto res = make_response(req, bhttp::status::no_content, {}, {});
  res.set(bhttp::field::access_control_allow_methods, allow);
  res.set(bhttp::field::access_control_allow_headers, cors::allowed_headers);
  res.set(bhttp::field::access_control_max_age, "600");
  return res;
}

void route(const std::shared_ptr<http_session>& s) {
  // Preflights carry no credentials, so they are answered before the key is asked for.
  const auto& origins = s->ctx().cors_origins;
  if (!origins.empty() && cors::is_preflight(s->req()))
    return s->respond(preflight_answer(s->req(), origins, s->ctx().engine.components()));
  auto decision = decide_route(s->req(), s->ctx().auth_key, s->ctx().engine.components());
  if (decision.handler == nullptr)
    return s->respond(error_answer(s->req(), decision));
  decision.handler(s, decision.args);
}

} // namespace runcast::http
