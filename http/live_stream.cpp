#include "http/live_stream.hpp"

#include "core/log_format.hpp"
#include "http/sse_stream.hpp"
#include "http/store_replay.hpp"

#include <spdlog/spdlog.h>

namespace runcast::http {

void serve_run_events(server_context& ctx, const std::shared_ptr<sse_stream>& stream,
                      const run_record& run, int64_t from, bool meta, bool cancel_on_disconnect) {
  std::weak_ptr<sse_stream> weak = stream;
  auto sink = stream->make_sink([&ctx, weak, run, from, meta](const std::string& lost) {
    if (auto s = weak.lock())
      std::make_shared<store_replay>(ctx, s, run, from, meta, lost)->start();
  });
  if (cancel_on_disconnect) {
    auto& engine = ctx.engine;
    stream->set_close_handler([&engine, run](bool clean) {
      if (clean)
        return;
      logs::run(spdlog::level::info, run.run_id, run.session_id,
                run.kind + "/" + run.component_id, "inline stream client left, cancelling the run");
      engine.cancel_started(run.run_id);
    });
  }
  stream->attach(ctx.engine.subscribe(run, from, meta, std::move(sink)));
}

} // namespace runcast::http
