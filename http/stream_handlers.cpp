#include "core/ids.hpp"
#include "core/meta_frames.hpp"
#include "http/db_call.hpp"
#include "http/handler_util.hpp"
#include "http/handlers.hpp"
#include "http/live_stream.hpp"
#include "http/sse_stream.hpp"

namespace runcast::http {

namespace {

/// Parses a cursor ("the last index I have"): absent → -1 (from the start).
std::optional<int64_t> parse_cursor(const std::optional<std::string>& text) {
  if (!text)
    return -1;
  auto v = parse_int64(*text);
  if (!v || *v < -1)
    return std::nullopt;
  return v;
}

/// Who may read a run: its session (and its user, when the run has one and the request
/// names one).
struct access {
  std::optional<std::string> session_id;
  std::optional<std::string> user_id;
};

/// Opens the SSE stream and serves the run from index `from`: 200 + an `error` frame when
/// the run is unknown or refused (a streaming client or EventSource sees why), else the
/// meta frames and events. With `event_source`, a finished run with nothing left answers
/// 204, which tells a browser to stop reconnecting.
void serve_resume(const std::shared_ptr<http_session>& s, const target& t, int64_t from,
                  access who, bool event_source) {
  on_db(s, [s, t, from, who, event_source] {
    auto& store = *s->ctx().store;
    auto run = store.find_run(t.run_id);
    std::string refusal;
    if (!run || run->kind != t.kind || run->component_id != t.comp->id)
      refusal = "Run " + t.run_id + " not found";
    else if (who.session_id && *who.session_id != run->session_id)
      refusal = "Run " + t.run_id + " does not belong to session " + *who.session_id;
    else if (who.user_id && !run->user_id.empty() && *who.user_id != run->user_id)
      refusal = "Run " + t.run_id + " does not belong to user " + *who.user_id;
    if (refusal.empty() && event_source && is_terminal(run->status)
        && store.count_events(t.run_id) <= from) {
      response res{bhttp::status::no_content, s->req().version()};
      res.set(bhttp::field::server, "runcast");
      res.keep_alive(s->req().keep_alive());
      return s->respond(std::move(res));
    }
    // A finished run is all in the (shared) store, so any node serves it itself; a live one
    // is followed where it runs: its owner's event log, locally or through the cluster.
    std::string owner;
    if (refusal.empty() && !is_terminal(run->status))
      owner = run->owner_node;
    s->stream([s, t, from, refusal, owner](std::shared_ptr<sse_stream> st) {
      if (!refusal.empty()) {
        st->finish(std::make_shared<const std::string>(error_frame(t.run_id, refusal)), false);
        return;
      }
      serve_run_events(s->ctx(), st, t.run_id, owner, from, true, false);
    });
  });
}

} // namespace

void handle_resume(const std::shared_ptr<http_session>& s, const target& t) {
  const auto& req = s->req();
  auto form = parse_form(req[bhttp::field::content_type], req.body());
  if (!form.fields)
    return reply(s, bhttp::status::bad_request, form.error);
  const auto& f = *form.fields;
  auto cursor = parse_cursor(field(f, "last_event_index"));
  if (!cursor)
    return reply(s, bhttp::status::unprocessable_entity,
                 "last_event_index must be an integer >= -1");
  access who{field(f, "session_id"), field(f, "user_id")};
  if (!who.session_id)
    who.session_id = field(t.query, "session_id");
  if (who.session_id && !is_valid_id(*who.session_id))
    return reply(s, bhttp::status::unprocessable_entity, "malformed session_id");
  serve_resume(s, t, *cursor + 1, who, false);
}

void handle_event_source(const std::shared_ptr<http_session>& s, const target& t) {
  const auto& req = s->req();
  // A reconnecting EventSource sends Last-Event-ID; a first connection may pass the cursor
  // in the query instead.
  std::optional<std::string> text;
  if (auto h = req["Last-Event-ID"]; !h.empty())
    text = std::string{h};
  else
    text = field(t.query, "last_event_id");
  auto cursor = parse_cursor(text);
  if (!cursor)
    return reply(s, bhttp::status::unprocessable_entity, "last_event_id must be an integer >= -1");
  access who{field(t.query, "session_id"), field(t.query, "user_id")};
  if (who.session_id && !is_valid_id(*who.session_id))
    return reply(s, bhttp::status::unprocessable_entity, "malformed session_id");
  serve_resume(s, t, *cursor + 1, who, true);
}

} // namespace runcast::http
