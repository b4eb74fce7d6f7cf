#include "http/live_stream.hpp"

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
    stream->set_close_handler([&engine, run_id = run.run_id](bool clean) {
      if (clean)
        return;
      spdlog::info("run {}: inline stream client left, cancelling the run", run_id);
      engine.cancel_started(run_id);
    });
  }
  stream->attach(ctx.engine.subscribe(run, from, meta, std::move(sink)));
}

} // namespace runcast::http
