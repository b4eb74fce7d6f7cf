#include "core/ids.hpp"
#include "core/meta_frames.hpp"
#include "http/handler_util.hpp"
#include "http/handlers.hpp"
#include "http/live_stream.hpp"
#include "http/sse_stream.hpp"

#include <algorithm>
#include <limits>

namespace runcast::http {

namespace {

/// Parses a cursor ("the last index I have"): absent → -1 (from the start).
std::optional<int64_t> parse_cursor(const std::optional<std::string>& text) {
  if (!text)
    return -1;
  auto v = parse_int64(*text);
  if (!v || *v < -1)
    return std::nullopt;
  // The first index wanted is the cursor + 1: at the int64 maximum that would overflow.
  // No run gets near it, so it means "after the end", as any index past the end does.
  return std::min(*v, std::numeric_limits<int64_t>::max() - 1);
}

/// Opens the SSE stream and serves the run from index `from`: 200 + an `error` frame when
/// the run is unknown or refused — one answer for both — (a streaming client or EventSource
/// sees why), else the meta frames and events. With `event_source`, a finished run with
/// nothing left answers 204, which tells a browser to stop reconnecting.
void serve_resume(const std::shared_ptr<http_session>& s, const target& t, int64_t from,
                  runtime::access who, bool event_source) {
  if (!s->reserve_stream())
    return;
  auto serve = [s, from](run_record r) {
    s->stream([s, r = std::move(r), from](std::shared_ptr<sse_stream> st) {
      serve_run_events(s->ctx(), st, r, from, true, false);
    });
  };
  auto& engine = s->ctx().engine;
  // A run whose log this node holds is answered from memory: no store read before the
  // stream opens (the common resume: a client that dropped comes back within the
  // retention).
  if (auto held = engine.find_held_run(t.ref(), who)) {
    if (event_source && is_terminal(held->run.status) && held->stored <= from)
      return s->respond_with(bhttp::status::no_content, {}, {});
    return serve(std::move(held->run));
  }
  auto run_id = t.run_id;
  engine.find_run(t.ref(), std::move(who), [s, run_id, from, event_source,
                                            serve](outcome<run_record> run) {
    if (!run) {
      const auto& f = run.error();
      if (f.code != errc::not_found)
        return reply(s, f);
      s->ctx().engine.metrics().resumed(node_metrics::resume::error);
      auto refusal = make_frame(error_frame(run_id, f.detail));
      return s->stream([refusal](std::shared_ptr<sse_stream> st) { st->finish(refusal, false); });
    }
    if (!event_source || !is_terminal(run->status))
      return serve(std::move(*run));
    s->ctx().engine.next_event_index(run_id,
                                     [s, from, serve, r = *run](outcome<int64_t> n) mutable {
      if (!n)
        return reply(s, n.error());
      if (*n <= from)
        return s->respond_with(bhttp::status::no_content, {}, {});
      serve(std::move(r));
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
  auto who = requester(&f, t.query);
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
  auto who = requester(nullptr, t.query);
  if (who.session_id && !is_valid_id(*who.session_id))
    return reply(s, bhttp::status::unprocessable_entity, "malformed session_id");
  serve_resume(s, t, *cursor + 1, who, true);
}

} // namespace runcast::http
