#include "core/ids.hpp"
#include "http/console_page.hpp"
#include "http/handler_util.hpp"
#include "http/handlers.hpp"
#include "http/http_session.hpp"
#include "http/json_response.hpp"

namespace runcast::http {

void handle_health(const std::shared_ptr<http_session>& s) {
  s->ctx().engine.health([s](outcome<runtime::health_info> h) {
    if (!h)
      return s->respond_json(bhttp::status::service_unavailable,
                             {{"status", "unavailable"}, {"detail", "store unreachable"}});
    s->respond_json(bhttp::status::ok,
                    {{"status", "ok"}, {"node_id", h->node_id}, {"peers", h->peers}});
  });
}

void handle_console(const std::shared_ptr<http_session>& s) {
  auto res = make_response(s->req(), bhttp::status::ok, "text/html; charset=utf-8",
                           std::string{console_page});
  res.set(bhttp::field::cache_control, "no-cache");
  s->respond(std::move(res));
}

void handle_metrics(const std::shared_ptr<http_session>& s) {
  s->ctx().engine.stats([s](outcome<runtime::runtime_stats> st) {
    if (!st)
      return reply(s, st.error());
    std::string body;
    body += "# HELP runcast_event_logs Runs whose event log is held in memory.\n";
    body += "# TYPE runcast_event_logs gauge\n";
    body += "runcast_event_logs " + std::to_string(st->event_logs) + "\n";
    body += "# HELP runcast_live_runs Runs still executing on this node.\n";
    body += "# TYPE runcast_live_runs gauge\n";
    body += "runcast_live_runs " + std::to_string(st->live_runs) + "\n";
    s->respond_with(bhttp::status::ok, "text/plain; version=0.0.4",
                    std::move(body));
  });
}

void handle_list_components(const std::shared_ptr<http_session>& s, const target& t) {
  auto list = nlohmann::json::array();
  for (const auto* c : s->ctx().engine.components().list(t.kind))
    list.push_back(c->to_json());
  s->respond_json(bhttp::status::ok, list);
}

void handle_get_component(const std::shared_ptr<http_session>& s, const target& t) {
  s->respond_json(bhttp::status::ok, t.comp->to_json());
}

} // namespace runcast::http
