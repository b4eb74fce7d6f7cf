#include "core/ids.hpp"
#include "http/completion_sink.hpp"
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

/// Blocking mode: wait for the end of the run (and its persisted status), answer its output.
void answer_when_done(const std::shared_ptr<http_session>& s, const run_record& run) {
  auto& engine = s->ctx().engine;
  runtime::run_ref ref{run.kind, run.component_id, run.run_id};
  runtime::access who{run.session_id, std::nullopt};
  auto sink = std::make_shared<completion_sink>([s, ref, who] {
    s->ctx().engine.find_run(ref, who, [s](outcome<run_record> done) {
      if (!done)
        return reply(s, done.error());
      s->respond_json(bhttp::status::ok, run_json(*done));
    });
  });
  sink->set_subscription(engine.subscribe(run, 0, false, sink));
}

/// How a refused start is counted.
node_metrics::refusal refusal_of(errc code) {
  switch (code) {
    case errc::overloaded:
      return node_metrics::refusal::overloaded;
    case errc::draining:
      return node_metrics::refusal::draining;
    case errc::unavailable:
    case errc::shutting_down:
    case errc::internal:
      return node_metrics::refusal::unavailable;
    default:
      return node_metrics::refusal::invalid;
  }
}

} // namespace

void handle_start_run(const std::shared_ptr<http_session>& s, const target& t) {
  const auto& req = s->req();
  auto& metrics = s->ctx().engine.metrics();
  auto refuse = [&](bhttp::status status, std::string detail) {
    metrics.start_refused(node_metrics::refusal::invalid);
    reply(s, status, std::move(detail));
  };
  auto form = parse_form(req[bhttp::field::content_type], req.body());
  if (!form.fields)
    return refuse(bhttp::status::bad_request, form.error);
  const auto& f = *form.fields;

  auto message = field(f, "message");
  if (!message || message->empty())
    return refuse(bhttp::status::unprocessable_entity, "message is required");
  auto stream = bool_field(f, "stream", true);
  if (!stream)
    return refuse(bhttp::status::unprocessable_entity, "stream must be a boolean");
  auto background = bool_field(f, "background", false);
  if (!background)
    return refuse(bhttp::status::unprocessable_entity, "background must be a boolean");
  runtime::run_request run_req;
  run_req.kind = t.kind;
  run_req.component_id = t.comp->id;
  run_req.message = *message;
  run_req.session_id = field(f, "session_id").value_or("");
  run_req.user_id = field(f, "user_id").value_or("");
  for (const auto& [k, v] : f)
    if (!is_contract_field(k))
      run_req.params[k] = v;

  bool do_stream = *stream;
  bool detached = *background;
  // A streamed run takes its stream's place first: a refusal must start nothing.
  if (do_stream && !s->reserve_stream())
    return metrics.start_refused(node_metrics::refusal::overloaded);
  s->ctx().engine.start_run(std::move(run_req), [s, do_stream,
                                                 detached](outcome<run_record> run) {
    if (!run) {
      s->ctx().engine.metrics().start_refused(refusal_of(run.error().code));
      return reply(s, run.error());
    }
    if (do_stream) {
      s->stream([s, run = *run, detached](std::shared_ptr<sse_stream> st) {
        serve_run_events(s->ctx(), st, run, 0, false, !detached);
      });
    } else if (detached) {
      s->respond_json(bhttp::status::accepted,
                      {{"run_id", run->run_id}, {"session_id", run->session_id},
                       {"status", "PENDING"}});
    } else {
      answer_when_done(s, *run);
    }
  });
}

void handle_get_run(const std::shared_ptr<http_session>& s, const target& t) {
  s->ctx().engine.find_run(t.ref(), requester(nullptr, t.query), [s](outcome<run_record> run) {
    if (!run)
      return reply(s, run.error());
    s->respond_json(bhttp::status::ok, run_json(*run));
  });
}

void handle_list_runs(const std::shared_ptr<http_session>& s, const target& t) {
  runtime::run_query q;
  q.kind = t.kind;
  q.component_id = t.comp->id;
  q.who = requester(nullptr, t.query);
  if (auto v = field(t.query, "status")) {
    q.status = parse_run_status(*v);
    if (!q.status)
      return reply(s, bhttp::status::unprocessable_entity,
                   "status must be one of PENDING, RUNNING, COMPLETED, PAUSED, CANCELLED, ERROR");
  }
  if (!int_field(s, t.query, "limit", 1, 1000, q.limit)
      || !int_field(s, t.query, "offset", 0, 1'000'000'000, q.offset))
    return;
  s->ctx().engine.list_runs(std::move(q), [s](outcome<std::vector<run_record>> runs) {
    if (!runs)
      return reply(s, runs.error());
    s->respond_json(bhttp::status::ok, runs_json(*runs));
  });
}

void handle_cancel_run(const std::shared_ptr<http_session>& s, const target& t) {
  const auto& req = s->req();
  auto form = parse_form(req[bhttp::field::content_type], req.body());
  if (!form.fields)
    return reply(s, bhttp::status::bad_request, form.error);
  auto run_id = t.run_id;
  s->ctx().engine.cancel(t.ref(), requester(&*form.fields, t.query),
                         [s, run_id](outcome<bool> done) {
                           if (!done)
                             return reply(s, done.error());
                           s->respond_json(bhttp::status::ok,
                                           {{"run_id", run_id},
                                            {"cancelled", true},
                                            {"message", "Run cancellation requested"}});
                         });
}

} // namespace runcast::http
