#include "http/live_stream.hpp"

#include "core/log_format.hpp"
#include "http/sse_stream.hpp"
#include "http/store_replay.hpp"

#include <spdlog/spdlog.h>

namespace runcast::http {

namespace {

/// What a stream's handlers keep of its run for as long as it is followed: who it is, not
/// its input, parameters or output (a prompt may be a megabyte, and thousands of clients
/// may follow one run).
run_record identity_of(const run_record& run) {
  run_record id;
  id.run_id = run.run_id;
  id.parent_run_id = run.parent_run_id;
  id.session_id = run.session_id;
  id.user_id = run.user_id;
  id.kind = run.kind;
  id.component_id = run.component_id;
  id.owner_node = run.owner_node;
  id.status = run.status;
  id.created_at = run.created_at;
  id.updated_at = run.updated_at;
  return id;
}

} // namespace

void serve_run_events(server_context& ctx, const std::shared_ptr<sse_stream>& stream,
                      const run_record& run, int64_t from, bool meta, bool cancel_on_disconnect) {
  std::weak_ptr<sse_stream> weak = stream;
  auto who = std::make_shared<const run_record>(identity_of(run));
  auto sink = stream->make_sink([&ctx, weak, who, from, meta](const std::string& lost) {
    if (auto s = weak.lock())
      std::make_shared<store_replay>(ctx, s, *who, from, meta, lost)->start();
  });
  if (cancel_on_disconnect) {
    auto& engine = ctx.engine;
    stream->set_close_handler([&engine, who](bool clean) {
      if (clean)
        return;
      logs::run(spdlog::level::info, who->run_id, who->session_id,
                who->kind + "/" + who->component_id,
                "inline stream client left, cancelling the run");
      engine.cancel_started(who->run_id);
    });
  }
  stream->attach(ctx.engine.subscribe(run, from, meta, std::move(sink)));
}

} // namespace runcast::http
