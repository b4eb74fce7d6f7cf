#include "http/router.hpp"

#include "core/event_json.hpp"
#include "core/ids.hpp"
#include "http/handlers.hpp"
#include "http/http_session.hpp"
#include "http/json_response.hpp"

#include <boost/url/parse.hpp>
#include <openssl/crypto.h>

#include <vector>

namespace runcast::http {

namespace {

void reply_error(const std::shared_ptr<http_session>& s, bhttp::status st,
                 const std::string& detail) {
  s->respond(error_response(s->req(), st, detail));
}

/// `Authorization: Bearer <key>`, compared in constant time.
bool authorized(const request& req, const std::string& key) {
  auto header = req[bhttp::field::authorization];
  std::string_view prefix = "Bearer ";
  if (header.size() != prefix.size() + key.size() || header.substr(0, prefix.size()) != prefix)
    return false;
  return CRYPTO_memcmp(header.data() + prefix.size(), key.data(), key.size()) == 0;
}

std::string not_found_name(const std::string& kind) {
  auto name = std::string{singular_kind(kind)};
  name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name + " not found";
}

} // namespace

void route(const std::shared_ptr<http_session>& s) {
  const auto& req = s->req();
  // An owned copy, NUL-terminated: see parse_urlencoded on libboost_url reading with strlen.
  const std::string target_text{req.target()};
  auto parsed = boost::urls::parse_origin_form(target_text);
  if (!parsed) {
    reply_error(s, bhttp::status::bad_request, "malformed request target");
    return;
  }
  std::vector<std::string> seg;
  for (auto part : parsed->segments())
    seg.push_back(std::string{part});
  if (!seg.empty() && seg.back().empty())
    seg.pop_back(); // "/agents/" is "/agents"
  auto method = req.method();

  if (seg.size() == 1 && seg[0] == "health") {
    if (method != bhttp::verb::get)
      return reply_error(s, bhttp::status::method_not_allowed, "Method Not Allowed");
    return handle_health(s);
  }
  const auto& key = s->ctx().auth_key;
  if (!key.empty() && !authorized(req, key)) {
    auto res = error_response(req, bhttp::status::unauthorized,
                              "missing or wrong Authorization: Bearer key");
    res.set(bhttp::field::www_authenticate, "Bearer");
    return s->respond(std::move(res));
  }
  if (seg.empty()) {
    if (method != bhttp::verb::get)
      return reply_error(s, bhttp::status::method_not_allowed, "Method Not Allowed");
    return handle_console(s);
  }
  if (seg.size() == 1 && seg[0] == "metrics") {
    if (method != bhttp::verb::get)
      return reply_error(s, bhttp::status::method_not_allowed, "Method Not Allowed");
    return handle_metrics(s);
  }
  if (!seg.empty() && seg[0] == "sessions" && seg.size() <= 3) {
    auto q = parse_query(parsed->encoded_query());
    if (!q.fields)
      return reply_error(s, bhttp::status::bad_request, "malformed query string: " + q.error);
    if (seg.size() == 1) {
      if (method != bhttp::verb::get)
        return reply_error(s, bhttp::status::method_not_allowed, "Method Not Allowed");
      return handle_list_sessions(s, *q.fields);
    }
    if (!is_valid_id(seg[1]))
      return reply_error(s, bhttp::status::not_found, "Session not found: malformed id");
    if (seg.size() == 2) {
      if (method == bhttp::verb::get)
        return handle_get_session(s, seg[1]);
      if (method == bhttp::verb::delete_)
        return handle_delete_session(s, seg[1]);
      return reply_error(s, bhttp::status::method_not_allowed, "Method Not Allowed");
    }
    if (seg[2] != "runs")
      return reply_error(s, bhttp::status::not_found, "Not Found");
    if (method != bhttp::verb::get)
      return reply_error(s, bhttp::status::method_not_allowed, "Method Not Allowed");
    return handle_list_session_runs(s, seg[1], *q.fields);
  }
  if (seg.empty() || !component_registry::is_kind(seg[0]))
    return reply_error(s, bhttp::status::not_found, "Not Found");

  target t;
  t.kind = seg[0];
  auto query = parse_query(parsed->encoded_query());
  if (!query.fields)
    return reply_error(s, bhttp::status::bad_request, "malformed query string: " + query.error);
  t.query = std::move(*query.fields);

  if (seg.size() == 1) {
    if (method != bhttp::verb::get)
      return reply_error(s, bhttp::status::method_not_allowed, "Method Not Allowed");
    return handle_list_components(s, t);
  }
  t.comp = s->ctx().engine.components().find(t.kind, seg[1]);
  if (t.comp == nullptr)
    return reply_error(s, bhttp::status::not_found, not_found_name(t.kind));
  if (seg.size() == 2) {
    if (method != bhttp::verb::get)
      return reply_error(s, bhttp::status::method_not_allowed, "Method Not Allowed");
    return handle_get_component(s, t);
  }
  if (seg[2] != "runs" || seg.size() > 5)
    return reply_error(s, bhttp::status::not_found, "Not Found");
  if (seg.size() == 3) {
    if (method == bhttp::verb::post)
      return handle_start_run(s, t);
    if (method == bhttp::verb::get)
      return handle_list_runs(s, t);
    return reply_error(s, bhttp::status::method_not_allowed, "Method Not Allowed");
  }
  if (!is_valid_id(seg[3]))
    return reply_error(s, bhttp::status::not_found, "Run not found: malformed run id");
  t.run_id = seg[3];
  if (seg.size() == 4) {
    if (method != bhttp::verb::get)
      return reply_error(s, bhttp::status::method_not_allowed, "Method Not Allowed");
    return handle_get_run(s, t);
  }
  const auto& action = seg[4];
  if (action == "cancel" && method == bhttp::verb::post)
    return handle_cancel_run(s, t);
  if (action == "resume" && method == bhttp::verb::post)
    return handle_resume(s, t);
  if (action == "stream" && method == bhttp::verb::get)
    return handle_event_source(s, t);
  if (action == "cancel" || action == "resume" || action == "stream")
    return reply_error(s, bhttp::status::method_not_allowed, "Method Not Allowed");
  reply_error(s, bhttp::status::not_found, "Not Found");
}

} // namespace runcast::http
