#include "actors/runnable.hpp"
#include "core/ids.hpp"
#include "http/completion_sink.hpp"
#include "http/db_call.hpp"
#include "http/handler_util.hpp"
#include "http/handlers.hpp"
#include "http/live_stream.hpp"
#include "http/run_json.hpp"
#include "http/sse_stream.hpp"

#include <stdexcept>

namespace runcast::http {

namespace {

/// Fields of `POST …/runs` that are the run contract; all others reach the runnable.
bool is_contract_field(std::string_view name) {
  return name == "message" || name == "stream" || name == "background" || name == "session_id"
         || name == "user_id";
}

/// A boolean field, its default when absent or empty; nullopt when it is not a boolean.
std::optional<bool> bool_field(const form_fields& f, std::string_view name, bool fallback) {
  auto v = field(f, name);
  if (!v || v->empty())
    return fallback;
  return parse_bool(*v);
}

bool valid_user_id(const std::string& id) {
  if (id.size() > 256)
    return false;
  for (unsigned char c : id)
    if (c < 0x20 || c == 0x7f)
      return false;
  return true;
}

/// True if the run is this component's (and this session's, when one is given).
bool run_matches(const persistence::run_record& run, const target& t,
                 const std::optional<std::string>& session_id) {
  return run.kind == t.kind && run.component_id == t.comp->id
         && (!session_id || session_id->empty() || *session_id == run.session_id);
}

/// Blocking mode: wait for the end of the run (and its persisted status), answer its output.
void answer_when_done(const std::shared_ptr<http_session>& s, const std::string& run_id) {
  auto& ctx = s->ctx();
  auto sink = std::make_shared<completion_sink>([s, run_id] {
    on_db(s, [s, run_id] {
      auto run = s->ctx().store->find_run(run_id);
      if (!run)
        return reply(s, bhttp::status::internal_server_error, "run vanished from the store");
      s->respond(json_response(s->req(), bhttp::status::ok, run_json(*run)));
    });
  });
  sink->set_subscription(ctx.engine.subscribe(run_id, {}, 0, false, sink));
}

} // namespace

void handle_start_run(const std::shared_ptr<http_session>& s, const target& t) {
  const auto& req = s->req();
  auto form = parse_form(req[bhttp::field::content_type], req.body());
  if (!form.fields)
    return reply(s, bhttp::status::bad_request, form.error);
  const auto& f = *form.fields;

  auto message = field(f, "message");
  if (!message || message->empty())
    return reply(s, bhttp::status::unprocessable_entity, "message is required");
  auto stream = bool_field(f, "stream", true);
  if (!stream)
    return reply(s, bhttp::status::unprocessable_entity, "stream must be a boolean");
  auto background = bool_field(f, "background", false);
  if (!background)
    return reply(s, bhttp::status::unprocessable_entity, "background must be a boolean");
  auto session_id = field(f, "session_id").value_or("");
  if (session_id.empty())
    session_id = make_uuid();
  else if (!is_valid_id(session_id))
    return reply(s, bhttp::status::unprocessable_entity,
                 "session_id must be 1-128 characters of letters, digits, '-', '_', '.', ':'");
  auto user_id = field(f, "user_id").value_or("");
  if (!valid_user_id(user_id))
    return reply(s, bhttp::status::unprocessable_entity,
                 "user_id must be at most 256 printable characters");

  auto params = nlohmann::json::object();
  for (const auto& [k, v] : f)
    if (!is_contract_field(k))
      params[k] = v;

  auto& ctx = s->ctx();
  actors::run_spec spec;
  try {
    spec.body = actors::make_runnable(*t.comp, *message, params);
  } catch (const std::invalid_argument& e) {
    return reply(s, bhttp::status::unprocessable_entity, e.what());
  }
  auto now = now_seconds();
  auto& r = spec.record;
  r.run_id = make_uuid();
  r.session_id = session_id;
  r.user_id = user_id;
  r.kind = t.kind;
  r.component_id = t.comp->id;
  r.owner_node = ctx.engine.node_id();
  r.input = *message;
  r.params_json = params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.status = run_status::pending;
  r.created_at = now;
  r.updated_at = now;
  spec.context = {r.run_id, r.session_id, t.kind, t.comp->id, t.comp->name};

  auto run_id = r.run_id;
  bool do_stream = *stream;
  bool detached = *background;
  ctx.engine.start_run(std::move(spec), [s, run_id, session_id, do_stream,
                                         detached](std::optional<std::string> err) {
    if (err)
      return reply(s, bhttp::status::service_unavailable, "run not started: " + *err);
    if (do_stream) {
      s->stream([s, run_id, detached](std::shared_ptr<sse_stream> st) {
        serve_run_events(s->ctx(), st, run_id, {}, 0, false, !detached);
      });
    } else if (detached) {
      s->respond(json_response(s->req(), bhttp::status::accepted,
                               {{"run_id", run_id}, {"session_id", session_id},
                                {"status", "PENDING"}}));
    } else {
      answer_when_done(s, run_id);
    }
  });
}

void handle_get_run(const std::shared_ptr<http_session>& s, const target& t) {
  on_db(s, [s, t] {
    auto run = s->ctx().store->find_run(t.run_id);
    if (!run || !run_matches(*run, t, field(t.query, "session_id")))
      return reply(s, bhttp::status::not_found, "Run " + t.run_id + " not found");
    s->respond(json_response(s->req(), bhttp::status::ok, run_json(*run)));
  });
}

void handle_list_runs(const std::shared_ptr<http_session>& s, const target& t) {
  persistence::run_filter filter;
  filter.kind = t.kind;
  filter.component_id = t.comp->id;
  if (auto v = field(t.query, "session_id"); v && !v->empty())
    filter.session_id = *v;
  if (auto v = field(t.query, "status"); v && !v->empty()) {
    filter.status = parse_run_status(*v);
    if (!filter.status)
      return reply(s, bhttp::status::unprocessable_entity,
                   "status must be one of PENDING, RUNNING, COMPLETED, PAUSED, CANCELLED, ERROR");
  }
  if (auto v = field(t.query, "limit"); v && !v->empty()) {
    auto n = parse_int64(*v);
    if (!n || *n < 1 || *n > 1000)
      return reply(s, bhttp::status::unprocessable_entity, "limit must be between 1 and 1000");
    filter.limit = static_cast<size_t>(*n);
  }
  if (auto v = field(t.query, "offset"); v && !v->empty()) {
    auto n = parse_int64(*v);
    if (!n || *n < 0)
      return reply(s, bhttp::status::unprocessable_entity, "offset must be a non-negative integer");
    filter.offset = static_cast<size_t>(*n);
  }
  on_db(s, [s, filter] {
    auto list = nlohmann::json::array();
    for (const auto& run : s->ctx().store->list_runs(filter))
      list.push_back(run_json(run));
    s->respond(json_response(s->req(), bhttp::status::ok, list));
  });
}

void handle_cancel_run(const std::shared_ptr<http_session>& s, const target& t) {
  const auto& req = s->req();
  auto form = parse_form(req[bhttp::field::content_type], req.body());
  if (!form.fields)
    return reply(s, bhttp::status::bad_request, form.error);
  auto session_id = field(*form.fields, "session_id");
  if (!session_id)
    session_id = field(t.query, "session_id");
  on_db(s, [s, t, session_id] {
    auto run = s->ctx().store->find_run(t.run_id);
    if (!run || !run_matches(*run, t, session_id))
      return reply(s, bhttp::status::not_found, "Run " + t.run_id + " not found");
    if (is_terminal(run->status))
      return reply(s, bhttp::status::conflict,
                   "Run " + t.run_id + " already finished (" + std::string{to_string(run->status)}
                     + ")");
    s->ctx().engine.cancel(t.run_id, run->owner_node, [s, t](actors::cancel_result r) {
      switch (r) {
        case actors::cancel_result::cancelled:
          return s->respond(json_response(
            s->req(), bhttp::status::ok,
            {{"run_id", t.run_id}, {"cancelled", true}, {"message", "Run cancellation requested"}}));
        case actors::cancel_result::finished:
          return reply(s, bhttp::status::conflict, "Run " + t.run_id + " already finished");
        case actors::cancel_result::not_found:
          return reply(s, bhttp::status::conflict,
                       "Run " + t.run_id + " is not live on this node");
      }
    });
  });
}

} // namespace runcast::http
