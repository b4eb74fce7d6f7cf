#include "core/ids.hpp"
#include "http/console_page.hpp"
#include "http/db_call.hpp"
#include "http/handlers.hpp"
#include "http/http_session.hpp"
#include "http/json_response.hpp"

namespace runcast::http {

void handle_health(const std::shared_ptr<http_session>& s) {
  s->ctx().engine.peers([s](std::vector<std::string> peers) {
    net::post(s->ctx().db_pool, [s, peers = std::move(peers)] {
      try {
        // Any read proves the store answers; the id cannot exist.
        s->ctx().store->find_run("health-probe");
        s->respond(json_response(s->req(), bhttp::status::ok,
                                 {{"status", "ok"},
                                  {"node_id", s->ctx().engine.node_id()},
                                  {"peers", peers}}));
      } catch (const persistence::store_error& e) {
        spdlog::error("health: store failed: {}", e.what());
        s->respond(json_response(s->req(), bhttp::status::service_unavailable,
                                 {{"status", "unavailable"}, {"detail", "store unreachable"}}));
      }
    });
  });
}

void handle_console(const std::shared_ptr<http_session>& s) {
  response res{bhttp::status::ok, s->req().version()};
  res.set(bhttp::field::server, "runcast");
  res.set(bhttp::field::content_type, "text/html; charset=utf-8");
  res.set(bhttp::field::cache_control, "no-cache");
  res.keep_alive(s->req().keep_alive());
  res.body() = std::string{console_page};
  res.prepare_payload();
  s->respond(std::move(res));
}

void handle_metrics(const std::shared_ptr<http_session>& s) {
  s->ctx().engine.stats([s](cluster::engine::runtime_stats st) {
    if (!st.ok)
      return s->respond(error_response(s->req(), bhttp::status::service_unavailable,
                                       "the runtime did not answer in time"));
    std::string body;
    body += "# HELP runcast_event_logs Runs whose event log is held in memory.\n";
    body += "# TYPE runcast_event_logs gauge\n";
    body += "runcast_event_logs " + std::to_string(st.event_logs) + "\n";
    body += "# HELP runcast_live_runs Runs still executing on this node.\n";
    body += "# TYPE runcast_live_runs gauge\n";
    body += "runcast_live_runs " + std::to_string(st.live_runs) + "\n";
    response res{bhttp::status::ok, s->req().version()};
    res.set(bhttp::field::server, "runcast");
    res.set(bhttp::field::content_type, "text/plain; version=0.0.4");
    res.keep_alive(s->req().keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    s->respond(std::move(res));
  });
}

void handle_list_components(const std::shared_ptr<http_session>& s, const target& t) {
  auto list = nlohmann::json::array();
  for (const auto* c : s->ctx().registry.list(t.kind))
    list.push_back(c->to_json());
  s->respond(json_response(s->req(), bhttp::status::ok, list));
}

void handle_get_component(const std::shared_ptr<http_session>& s, const target& t) {
  s->respond(json_response(s->req(), bhttp::status::ok, t.comp->to_json()));
}

} // namespace runcast::http
