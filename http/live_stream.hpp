#pragma once

#include "http/server_context.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace runcast::http {

class sse_stream;

/// Feeds `stream` with a run's events from index `from` on: from its event log if this node
/// holds it in memory (catch-up, then the live tail), else from the store. `meta` adds the
/// resume meta frames. With `cancel_on_disconnect` (inline runs), a client that leaves
/// before the stream ends cancels the run.
/// `owner` is the node that owns the run (empty or this node: local).
void serve_run_events(server_context& ctx, const std::shared_ptr<sse_stream>& stream,
                      const std::string& run_id, const std::string& owner, int64_t from,
                      bool meta, bool cancel_on_disconnect);

} // namespace runcast::http
