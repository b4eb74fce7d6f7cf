#include "core/ids.hpp"
#include "http/console_page.hpp"
#include "http/handler_util.hpp"
#include "http/handlers.hpp"
#include "http/http_session.hpp"
#include "http/json_response.hpp"
#include "http/openapi_document.hpp"

#include <atomic>

namespace runcast::http {

void handle_health(const std::shared_ptr<http_session>& s) {
  // Answered within health_timeout whatever the store does: a probe that hangs is a store
  // that is down, for a load balancer as for us.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  auto timer = std::make_shared<net::steady_timer>(s->executor(), s->ctx().lim.health_timeout);
  timer->async_wait([s, answered, timer](beast::error_code ec) {
    if (ec || answered->exchange(true))
      return;
    s->respond_json(bhttp::status::service_unavailable,
                    {{"status", "unavailable"},
                     {"detail", "store unreachable: no answer within health_timeout"}});
  });
  s->ctx().engine.health([s, answered, timer](outcome<runtime::health_info> h) {
    if (answered->exchange(true))
      return;
    net::post(s->executor(), [timer] { timer->cancel(); });
    if (!h)
      return s->respond_json(bhttp::status::service_unavailable,
                             {{"status", "unavailable"}, {"detail", "store unreachable"}});
    // A draining node answers 503 so that load balancers stop sending it new work.
    if (h->draining)
      return s->respond_json(bhttp::status::service_unavailable,
                             {{"status", "draining"}, {"node_id", h->node_id},
                              {"peers", h->peers}});
    s->respond_json(bhttp::status::ok,
                    {{"status", "ok"}, {"node_id", h->node_id}, {"peers", h->peers}});
  });
}

void handle_drain(const std::shared_ptr<http_session>& s) {
  s->ctx().engine.drain([s](outcome<bool> done) {
    if (!done)
      return reply(s, done.error());
    s->respond_json(bhttp::status::ok,
                    {{"status", "draining"}, {"node_id", s->ctx().engine.node_id()}});
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
