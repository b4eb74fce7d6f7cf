// Link-time stand-ins for what http/router.cpp names but router_fuzz never runs: the handlers
// (the routing table holds their addresses), and the session and engine calls of route().
// The real ones pull in the whole HTTP server and the runtime (CAF, built by gcc); the fuzz
// target only calls decide_route(), error_answer() and preflight_answer(), which run none of
// these. Each traps, so a call would show up as a crash. A handler added to the table needs a
// line here.

#include "http/handlers.hpp"
#include "http/http_session.hpp"
#include "runtime/engine.hpp"

namespace runcast::http {

namespace {

using session_ptr = std::shared_ptr<http_session>;

[[noreturn]] void never_called() {
  __builtin_trap();
}

} // namespace

void handle_health(const session_ptr&) { never_called(); }
void handle_drain(const session_ptr&) { never_called(); }
void handle_login(const session_ptr&) { never_called(); }
void handle_logout(const session_ptr&) { never_called(); }
void handle_console(const session_ptr&) { never_called(); }
void handle_console_script(const session_ptr&) { never_called(); }
void handle_metrics(const session_ptr&) { never_called(); }
void handle_openapi(const session_ptr&) { never_called(); }
void handle_list_components(const session_ptr&, const target&) { never_called(); }
void handle_get_component(const session_ptr&, const target&) { never_called(); }
void handle_start_run(const session_ptr&, const target&) { never_called(); }
void handle_get_run(const session_ptr&, const target&) { never_called(); }
void handle_list_runs(const session_ptr&, const target&) { never_called(); }
void handle_cancel_run(const session_ptr&, const target&) { never_called(); }
void handle_list_sessions(const session_ptr&, const form_fields&) { never_called(); }
void handle_get_session(const session_ptr&, const std::string&) { never_called(); }
void handle_list_session_runs(const session_ptr&, const std::string&, const form_fields&) {
  never_called();
}
void handle_delete_session(const session_ptr&, const std::string&) { never_called(); }
void handle_resume(const session_ptr&, const target&) { never_called(); }
void handle_event_source(const session_ptr&, const target&) { never_called(); }

void http_session::respond(response) { never_called(); }

} // namespace runcast::http

namespace runcast::runtime {

const component_registry& engine::components() const { __builtin_trap(); }

} // namespace runcast::runtime
