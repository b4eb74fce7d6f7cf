#pragma once

#include "core/component.hpp"
#include "http/form_parser.hpp"
#include "runtime/engine.hpp"

#include <memory>
#include <string>

namespace runcast::http {

class http_session;

/// What the router extracted from a request target: the arguments every handler gets.
struct target {
  std::string kind;         ///< "agents", "teams", "workflows"
  const component* comp = nullptr;
  std::string run_id;       ///< validated, when the path has one
  std::string session_id;   ///< validated, when the path has one (`/sessions/{session_id}`)
  form_fields query;

  /// The run the path names.
  runtime::run_ref ref() const {
    return {kind, comp->id, run_id};
  }
};

// -- components and health (component_handlers.cpp) ---------------------------------------

/// GET /health: 200 when the store answers, 503 otherwise.
void handle_health(const std::shared_ptr<http_session>& s);

/// POST /admin/drain: this node takes no new runs from now on (starts answer 503 and
/// /health says "draining"); its live runs go on. For rolling restarts (docs/operations.md).
void handle_drain(const std::shared_ptr<http_session>& s);

// -- browser login (auth_handlers.cpp) -----------------------------------------------------

/// POST /auth/login (form or JSON `key`): the key for an HttpOnly, SameSite=Strict cookie
/// holding a signed token (http/auth.hpp); 401 on a wrong key.
void handle_login(const std::shared_ptr<http_session>& s);

/// POST /auth/logout: removes the cookie.
void handle_logout(const std::shared_ptr<http_session>& s);

/// GET /: the web console.
void handle_console(const std::shared_ptr<http_session>& s);

/// GET /console.js: the console's script.
void handle_console_script(const std::shared_ptr<http_session>& s);

/// GET /metrics: Prometheus text format.
void handle_metrics(const std::shared_ptr<http_session>& s);

/// GET /openapi.json: the OpenAPI 3.1 document of this API (web/openapi.json).
void handle_openapi(const std::shared_ptr<http_session>& s);

/// GET /{kind}
void handle_list_components(const std::shared_ptr<http_session>& s, const target& t);

/// GET /{kind}/{id}
void handle_get_component(const std::shared_ptr<http_session>& s, const target& t);

// -- runs (run_handlers.cpp) ----------------------------------------------------------------

/// POST /{kind}/{id}/runs: the four execution modes.
void handle_start_run(const std::shared_ptr<http_session>& s, const target& t);

/// GET /{kind}/{id}/runs/{run_id}?session_id=: the polling endpoint.
void handle_get_run(const std::shared_ptr<http_session>& s, const target& t);

/// GET /{kind}/{id}/runs?session_id=&status=&limit=&offset=
void handle_list_runs(const std::shared_ptr<http_session>& s, const target& t);

/// POST /{kind}/{id}/runs/{run_id}/cancel
void handle_cancel_run(const std::shared_ptr<http_session>& s, const target& t);

// -- sessions (session_handlers.cpp) ----------------------------------------------------------

/// GET /sessions?type=&component_id=&user_id=&limit=&page=&sort_by=&sort_order=
void handle_list_sessions(const std::shared_ptr<http_session>& s, const form_fields& query);

/// GET /sessions/{id}
void handle_get_session(const std::shared_ptr<http_session>& s, const std::string& session_id);

/// GET /sessions/{id}/runs?limit=&offset=
void handle_list_session_runs(const std::shared_ptr<http_session>& s,
                              const std::string& session_id, const form_fields& query);

/// DELETE /sessions/{id}: cancels its live runs, then deletes it with its runs and events.
void handle_delete_session(const std::shared_ptr<http_session>& s, const std::string& session_id);

// -- resumable streams (stream_handlers.cpp) --------------------------------------------------

/// POST /{kind}/{id}/runs/{run_id}/resume (form: last_event_index, session_id)
void handle_resume(const std::shared_ptr<http_session>& s, const target& t);

/// GET /{kind}/{id}/runs/{run_id}/stream (Last-Event-ID or ?last_event_id=, ?session_id=)
void handle_event_source(const std::shared_ptr<http_session>& s, const target& t);

} // namespace runcast::http
