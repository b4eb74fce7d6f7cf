#include "http/live_stream.hpp"

#include "core/log_format.hpp"
#include "http/sse_stream.hpp"
#include "http/store_replay.hpp"

#include <spdlog/spdlog.h>

namespace runcast::http {

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
