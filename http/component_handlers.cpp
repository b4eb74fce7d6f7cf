#include "core/ids.hpp"
#include "http/console_page.hpp"
#include "http/handler_util.hpp"
#include "http/handlers.hpp"
#include "http/http_session.hpp"
#include "http/json_response.hpp"
#include "http/openapi_document.hpp"

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

void handle_console_script(const std::shared_ptr<http_session>& s) {
  auto res = make_response(s->req(), bhttp::status::ok, "text/javascript; charset=utf-8",
                           std::string{console_script});
  res.set(bhttp::field::cache_control, "no-cache");
  s->respond(std::move(res));
}

void handle_openapi(const std::shared_ptr<http_session>& s) {
  s->respond_with(bhttp::status::ok, "application/json", std::string{openapi_document});
}

void handle_metrics(const std::shared_ptr<http_session>& s) {
  s->ctx().engine.stats([s](outcome<runtime::runtime_stats> st) {
    if (!st)
      return reply(s, st.error());
    std::string body;
    auto metric = [&body](const char* name, const char* type, const char* help, auto value) {
      body += std::string{"# HELP "} + name + " " + help + "\n";
      body += std::string{"# TYPE "} + name + " " + type + "\n";
      body += std::string{name} + " " + std::to_string(value) + "\n";
    };
    metric("runcast_event_logs", "gauge", "Runs whose event log is held in memory.",
           st->event_logs);
    metric("runcast_live_runs", "gauge", "Runs still executing on this node.", st->live_runs);
    metric("runcast_unpersisted_bytes", "gauge",
           "Bytes of events published and not yet in the store, all runs.",
           st->unpersisted_bytes);
    metric("runcast_finished_logs", "gauge",
           "Finished runs whose event log is kept in memory for resumes.", st->finished_logs);
    metric("runcast_finished_log_bytes", "gauge", "Bytes those finished logs hold.",
           st->finished_bytes);
    metric("runcast_finished_log_evictions_total", "counter",
           "Finished logs evicted by the node's bounds (the store serves them).",
           st->evictions);
    metric("runcast_producer_pauses_total", "counter",
           "Times a run's producer was paused because its events were not yet stored.",
           st->producer_pauses);
    metric("runcast_store_outage_failures_total", "counter",
           "Runs failed because the store took no write for the store outage limit.",
           st->store_failures);
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
