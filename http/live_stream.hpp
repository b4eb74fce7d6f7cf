#pragma once

#include "core/run_record.hpp"
#include "http/server_context.hpp"

#include <cstdint>
#include <memory>

namespace runcast::http {

class sse_stream;

/// Feeds `stream` with a run's events from index `from` on: from the event log that holds
/// it (catch-up, then the live tail; here or on its owner node), else from the store.
/// `meta` adds the resume meta frames. With `cancel_on_disconnect` (inline runs), a client
/// that leaves before the stream ends cancels the run.
void serve_run_events(server_context& ctx, const std::shared_ptr<sse_stream>& stream,
                      const run_record& run, int64_t from, bool meta, bool cancel_on_disconnect);

} // namespace runcast::http
