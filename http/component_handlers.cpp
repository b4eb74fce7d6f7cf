#include "core/ids.hpp"
#include "http/db_call.hpp"
#include "http/handlers.hpp"
#include "http/http_session.hpp"
#include "http/json_response.hpp"

namespace runcast::http {

void handle_health(const std::shared_ptr<http_session>& s) {
  net::post(s->ctx().db_pool, [s] {
    try {
      // Any read proves the store answers; the id cannot exist.
      s->ctx().store->find_run("health-probe");
      s->respond(json_response(s->req(), bhttp::status::ok,
                               {{"status", "ok"}, {"node_id", s->ctx().engine.node_id()}}));
    } catch (const persistence::store_error& e) {
      spdlog::error("health: store failed: {}", e.what());
      s->respond(json_response(s->req(), bhttp::status::service_unavailable,
                               {{"status", "unavailable"}, {"detail", "store unreachable"}}));
    }
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
